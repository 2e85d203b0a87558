// `evidence review`: the possible matches of evidence feeds, listed and
// decided one by one or from a file (sfcohort/evidence.hpp).
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "db/evidence.hpp"
#include "sfcohort/evidence.hpp"
#include "sfcohort/table.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::evidence {
namespace {

Result<ReviewItem> item_of(Store& store, const db::EvidenceRecord& e) {
  ReviewItem it;
  it.id = e.pk;
  it.feed_id = e.feed_id;
  it.source = e.source;
  it.indicator = e.indicator;
  it.date = e.date;
  it.row = e.row;
  it.value = e.value;
  it.given_name = e.given_name;
  it.surname = e.surname;
  it.dob = e.dob;
  it.postcode = e.postcode;
  it.house = e.house;
  it.person_id = e.person_id.value_or("");
  it.family_id = e.family_id;
  it.score = e.score;
  it.why = e.why;
  it.decision = e.decision.value_or("");
  if (!it.person_id.empty()) {
    auto p = store.person(it.person_id);
    if (!p) return p.error();
    if (*p) {
      it.person_name = (*p)->given_name + ((*p)->given_name.empty() ? "" : " ") + (*p)->surname;
      it.person_dob = (*p)->dob;
    }
  }
  return it;
}

// Decides row ID in the caller's transaction; the item as decided.
Result<ReviewItem> decide_one(Store& store, int64_t id, bool accept, const std::string& reason) {
  auto row = db::evidence_row(store, id);
  if (!row) return row.error();
  if (!*row)
    return Error(Errc::kInvalidInput, "no evidence row " + std::to_string(id),
                 {"'sfcohort evidence review' lists the rows waiting for review"});
  const auto& e = **row;
  if (e.state != "review") {
    std::string was = e.decision ? *e.decision + " by " + e.decided_by.value_or("")
                                 : (e.state == "attached" ? "matched" : "matching nobody");
    return Error(Errc::kInvalidInput,
                 "evidence row " + std::to_string(id) + " is not waiting for review (" + was + ")");
  }
  auto done =
      db::decide_evidence(store, id, accept, Store::now_utc(), store.context().actor, reason);
  if (!done) return done.error();
  if (!*done) return internal_error("evidence row " + std::to_string(id) + ": not decided");
  auto it = item_of(store, e);
  if (!it) return it.error();
  it->decision = accept ? "accepted" : "rejected";
  return it;
}

}  // namespace

Result<std::vector<ReviewItem>> review_list(Store& store) {
  auto rows = db::evidence_in_state(store, "review");
  if (!rows) return rows.error();
  std::vector<ReviewItem> out;
  std::vector<Disclosure> shown;
  for (const auto& e : *rows) {
    auto it = item_of(store, e);
    if (!it) return it.error();
    if (!it->person_id.empty()) shown.push_back({it->person_id, it->family_id, ""});
    out.push_back(std::move(*it));
  }
  SF_TRY(store.audit("", {{"action", "list"}, {"rows", out.size()}}, std::move(shown)));
  return out;
}

Result<ReviewItem> decide(Store& store, int64_t id, bool accept, const std::string& reason) {
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  auto it = decide_one(store, id, accept, reason);
  if (!it) return it.error();
  nlohmann::json detail = {{"action", accept ? "accept" : "reject"},
                           {"row", id},
                           {"feed", it->feed_id},
                           {"person", it->person_id}};
  if (!reason.empty()) detail["reason"] = reason;
  SF_TRY(store.audit(it->feed_id, detail));
  SF_TRY(tx->commit());
  return it;
}

Result<Decisions> decide_file(Store& store, const std::string& path) {
  auto reader = open_table(path);
  if (!reader) return reader.error();
  const std::string file = (*reader)->name();
  int id_col = -1, decision_col = -1, reason_col = -1;
  const auto& header = (*reader)->header();
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string h = fold_column_name(header[i]);
    if (h == "id") id_col = static_cast<int>(i);
    if (h == "decision") decision_col = static_cast<int>(i);
    if (h == "reason") reason_col = static_cast<int>(i);
  }
  if (id_col < 0 || decision_col < 0)
    return Error(Errc::kInvalidInput, file + ": header: needs the columns id and decision",
                 {"decision is accept or reject for each id that 'evidence review' lists"});
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  Decisions out;
  nlohmann::json ids = nlohmann::json::array();
  TableRow row;
  for (;;) {
    auto more = (*reader)->next(row);
    if (!more) return more.error();
    if (!*more) break;
    const std::string where = file + ": row " + std::to_string(row.row);
    if (!row.error.empty()) return invalid_input(where + ": " + row.error);
    auto cell = [&row](int c) {
      return c >= 0 && static_cast<size_t>(c) < row.fields.size()
                 ? trim(row.fields[static_cast<size_t>(c)])
                 : std::string();
    };
    const std::string id_text = cell(id_col);
    char* end = nullptr;
    const long long id = std::strtoll(id_text.c_str(), &end, 10);
    if (id_text.empty() || *end != '\0' || id <= 0)
      return invalid_input(where + ": id: '" + id_text + "' is not a row id");
    const std::string d = to_lower_ascii(cell(decision_col));
    if (d != "accept" && d != "reject")
      return invalid_input(where + ": decision: expected accept or reject, not '" + d + "'");
    auto it = decide_one(store, id, d == "accept", cell(reason_col));
    if (!it) return it.error().with_context(where);
    ids.push_back({{"row", id}, {"decision", it->decision}});
    out.decided.push_back(std::move(*it));
  }
  if (out.decided.empty()) return invalid_input(file + ": no decisions in the file");
  SF_TRY(store.audit(file, {{"action", "decide"}, {"decisions", ids}}));
  SF_TRY(tx->commit());
  return out;
}

}  // namespace sfcohort::evidence
