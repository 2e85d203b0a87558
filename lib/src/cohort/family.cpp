// Closing and reopening families, and what `family show` and `person show`
// gather. The status history is the store's (lib/src/db/family_status.cpp);
// what accepted nominations recorded is db/nominations', what partners'
// feeds gave (evidence import) is db/evidence's.
#include "sfcohort/family.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "db/evidence.hpp"
#include "db/nominations.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::family {
namespace {

Result<Family> existing(Store& store, const std::string& family_id) {
  auto f = store.family(family_id);
  if (!f) return f.error();
  if (!*f) return invalid_input("no family '" + family_id + "' in the cohort");
  return **f;
}

Result<std::string> reason_of(const std::string& reason) {
  std::string r = trim(reason);
  if (r.empty()) return invalid_input("a reason is required (why the family's status changes)");
  return r;
}

// The date of the family's latest status change, or "" when it has none.
Result<std::string> last_change(Store& store, const std::string& family_id) {
  auto h = store.family_status_history(family_id);
  if (!h) return h.error();
  return h->empty() ? std::string() : h->back().on_date;
}

Result<FamilyStatusChange> record(Store& store, const std::string& family_id,
                                  FamilyStatusChange c) {
  c.recorded_at = Store::now_utc();
  c.recorded_by = store.context().actor;
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  SF_TRY(store.record_family_status(family_id, c));
  // The reason stays in the status history, which retention disposes of with
  // the family; the append-only trail cannot forget it, so it is not copied
  // there (free text may name people).
  nlohmann::json detail = {{"status", c.status}, {"on", c.on_date}};
  if (!c.outcome.empty()) detail["outcome"] = c.outcome;
  SF_TRY(store.audit(family_id, detail));
  SF_TRY(tx->commit());
  return c;
}

Evidence evidence_of(const db::FamilyEvidence& e) {
  return Evidence{e.indicator, e.person_id.value_or(""), e.date, e.value,
                  e.source,    e.nomination_id,          "",     ""};
}

Evidence evidence_of(const db::EvidenceRecord& e) {
  return Evidence{e.indicator, e.person_id.value_or(""), e.date, e.value, e.source, "", e.feed_id,
                  e.state};
}

// Typed and fed evidence in one list by date (each list comes by date).
void add_fed(std::vector<Evidence>& into, const std::vector<db::EvidenceRecord>& fed) {
  for (const auto& e : fed) into.push_back(evidence_of(e));
  std::stable_sort(into.begin(), into.end(),
                   [](const Evidence& a, const Evidence& b) { return a.date < b.date; });
}

Result<std::vector<NominationRef>> refs(Store& store, const std::vector<std::string>& ids) {
  std::vector<NominationRef> out;
  for (const auto& id : ids) {
    auto n = db::find_nomination(store, id);
    if (!n) return n.error();
    if (!*n) continue;
    out.push_back(NominationRef{(*n)->id, (*n)->status, (*n)->submitted_at, (*n)->decided_at});
  }
  return out;
}

}  // namespace

const std::vector<std::string>& outcome_codes() {
  static const std::vector<std::string> codes = {"outcomes_achieved", "stepped_down", "moved_away",
                                                 "disengaged", "transferred"};
  return codes;
}

bool is_outcome(std::string_view code) {
  const auto& c = outcome_codes();
  return std::find(c.begin(), c.end(), code) != c.end();
}

Result<FamilyStatusChange> close(Store& store, const std::string& family_id, const Closure& c) {
  auto reason = reason_of(c.reason);
  if (!reason) return reason.error();
  if (!c.outcome.empty() && !is_outcome(c.outcome)) {
    std::string list;
    for (const auto& o : outcome_codes()) list += (list.empty() ? "" : ", ") + o;
    return invalid_input("'" + c.outcome + "' is not an outcome: use one of " + list);
  }
  const std::string today = Store::today();
  std::string on = today;
  if (!trim(c.on_date).empty()) {
    auto d = parse_date(trim(c.on_date));
    if (!d) return invalid_input("closing date: " + d.error().message);
    on = d->iso();
    if (on > today) return invalid_input("closing date " + on + " is in the future");
  }
  auto f = existing(store, family_id);
  if (!f) return f.error();
  if (f->status == "closed") {
    auto was = store.family_closure(family_id);
    if (!was) return was.error();
    return invalid_input("family '" + family_id + "' is already closed" +
                         (*was ? " (since " + (*was)->on_date + ")" : std::string()));
  }
  if (f->status != "cohort")
    return invalid_input("family '" + family_id + "' is " + f->status + ", not in the cohort");
  auto last = last_change(store, family_id);
  if (!last) return last.error();
  if (!last->empty() && on < *last)
    return invalid_input("closing date " + on + " is before the family's last status change (" +
                         *last + ")");
  if (f->joined_on && !f->joined_on->empty() && on < *f->joined_on)
    return invalid_input("closing date " + on + " is before the family joined (" + *f->joined_on +
                         ")");
  return record(store, family_id, FamilyStatusChange{"closed", on, *reason, c.outcome, "", ""});
}

Result<FamilyStatusChange> reopen(Store& store, const std::string& family_id,
                                  const std::string& reason) {
  auto r = reason_of(reason);
  if (!r) return r.error();
  auto f = existing(store, family_id);
  if (!f) return f.error();
  if (f->status == "cohort") {
    return Error(Errc::kInvalidInput, "family '" + family_id + "' is not closed (status active)",
                 {"only a closed family is reopened; its status history is in 'sfcohort family "
                  "show " +
                  family_id + "'"});
  }
  if (f->status != "closed") {
    return Error(Errc::kInvalidInput,
                 "family '" + family_id + "' is not closed (status " + f->status + ")",
                 {"a nominated family joins the cohort when its nomination is accepted: "
                  "'sfcohort nominate list' lists them"});
  }
  return record(store, family_id, FamilyStatusChange{"cohort", Store::today(), *r, "", "", ""});
}

Result<std::map<std::string, std::string>> closed_texts(Store& store, const LookupResult& res) {
  std::vector<std::string> family_ids;
  for (const auto& m : res.matches) family_ids.push_back(m.person.family_id);
  for (const auto& h : res.household) family_ids.push_back(h.family_id);
  std::map<std::string, std::string> out;
  for (const auto& id : family_ids) {
    if (out.count(id)) continue;
    auto c = store.family_closure(id);
    if (!c) return c.error();
    if (*c) out[id] = "closed on " + (*c)->on_date + " (" + (*c)->reason + ")";
  }
  return out;
}

Result<FamilyView> show(Store& store, const std::string& family_id) {
  FamilyView v;
  auto f = existing(store, family_id);
  if (!f) return f.error();
  v.family = std::move(*f);
  auto members = store.family_members(family_id);
  if (!members) return members.error();
  v.members = std::move(*members);
  auto h = store.family_status_history(family_id);
  if (!h) return h.error();
  v.history = std::move(*h);
  auto closure = store.family_closure(family_id);
  if (!closure) return closure.error();
  v.closure = std::move(*closure);
  auto ag = db::family_agencies(store, family_id);
  if (!ag) return ag.error();
  for (const auto& a : *ag) v.agencies.push_back(Agency{a.name, a.role, a.contact, a.lead});
  auto ev = db::family_evidence(store, family_id);
  if (!ev) return ev.error();
  for (const auto& e : *ev) v.evidence.push_back(evidence_of(e));
  auto fed = db::family_feed_evidence(store, family_id);
  if (!fed) return fed.error();
  add_fed(v.evidence, *fed);
  auto ids = store.nominations_of_family(family_id);
  if (!ids) return ids.error();
  auto n = refs(store, *ids);
  if (!n) return n.error();
  v.nominations = std::move(*n);
  nlohmann::json people = nlohmann::json::array();
  for (const auto& p : v.members) people.push_back(p.id);
  SF_TRY(store.audit(family_id, {{"mode", "show"}, {"people", people}}));
  return v;
}

Result<PersonView> person_view(Store& store, const std::string& person_id) {
  PersonView v;
  auto p = store.person(person_id);
  if (!p) return p.error();
  if (!*p) return invalid_input("no person '" + person_id + "' in the cohort");
  v.person = std::move(**p);
  auto f = existing(store, v.person.family_id);
  if (!f) return f.error();
  v.family = std::move(*f);
  auto closure = store.family_closure(v.family.id);
  if (!closure) return closure.error();
  v.closure = std::move(*closure);
  auto ev = db::family_evidence(store, v.family.id);
  if (!ev) return ev.error();
  for (const auto& e : *ev)
    if (e.person_id && *e.person_id == person_id) v.evidence.push_back(evidence_of(e));
  auto fed = db::person_feed_evidence(store, person_id);
  if (!fed) return fed.error();
  add_fed(v.evidence, *fed);
  auto ids = store.nominations_naming_person(person_id);
  if (!ids) return ids.error();
  auto n = refs(store, *ids);
  if (!n) return n.error();
  v.nominations = std::move(*n);
  return v;
}

Result<PersonView> show_person(Store& store, const std::string& person_id) {
  auto v = person_view(store, person_id);
  if (!v) return v.error();
  SF_TRY(store.audit(person_id, {{"mode", "show"}, {"family", v->family.id}}));
  return v;
}

}  // namespace sfcohort::family
