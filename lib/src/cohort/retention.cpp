// Retention: the schedule, what is due, and disposal. The people's match
// keys are removed through the match module before the rows go, and their
// disclosure rows through the store, which keeps the audit chain whole.
#include "sfcohort/retention.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "db/retention_rows.hpp"
#include "match/blocking.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::retention {
namespace {

struct Duration {
  int n = 0;
  char unit = 'y';  // y, m, d
};

Result<Duration> parse_duration(const std::string& text) {
  const std::string t = trim(text);
  size_t i = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
  const size_t sp = t.find_first_not_of(' ', i);
  std::string unit = sp == std::string::npos ? "" : to_lower_ascii(t.substr(sp));
  Duration d;
  if (i == 0 || i > 5) unit.clear();  // no number, or too large a one
  if (i > 0 && i <= 5) d.n = std::stoi(t.substr(0, i));
  if (unit == "year" || unit == "years")
    d.unit = 'y';
  else if (unit == "month" || unit == "months")
    d.unit = 'm';
  else if (unit == "day" || unit == "days")
    d.unit = 'd';
  else
    d.n = -1;
  const int days = d.unit == 'y' ? d.n * 366 : d.unit == 'm' ? d.n * 31 : d.n;
  if (d.n < 0 || days > 100 * 366) {
    return invalid_input("'" + text +
                         "' is not a retention period: expected N years, N months or N days "
                         "(up to 100 years), e.g. '6 years'");
  }
  return d;
}

std::string canonical(const Duration& d) {
  const char* unit = d.unit == 'y' ? "year" : d.unit == 'm' ? "month" : "day";
  return std::to_string(d.n) + " " + unit + (d.n == 1 ? "" : "s");
}

// AS_OF minus D: the latest date whose records are due (the day of the
// month clamped, 29 February to 28 in a common year).
Date minus(const Date& as_of, const Duration& d) {
  if (d.unit == 'd') return Date::from_days(as_of.days() - d.n);
  int months = as_of.year * 12 + (as_of.month - 1) - (d.unit == 'y' ? 12 * d.n : d.n);
  Date out{months / 12, months % 12 + 1, as_of.day};
  while (!is_valid_date(out.year, out.month, out.day) && out.day > 28) --out.day;
  return out;
}

}  // namespace

const std::vector<std::string>& classes() {
  static const std::vector<std::string> k = {"closed_family", "rejected_nomination"};
  return k;
}

int64_t Due::total() const {
  int64_t n = 0;
  for (const auto& c : classes) n += static_cast<int64_t>(c.ids.size());
  return n;
}

Result<std::vector<Rule>> schedule(Store& store) {
  auto rules = db::retention_rules(store);
  if (!rules) return rules.error();
  std::vector<Rule> out;
  for (const auto& r : *rules) out.push_back({r.cls, r.duration, r.updated_at, r.updated_by});
  return out;
}

Result<Rule> set(Store& store, const std::string& cls, const std::string& duration) {
  if (std::find(classes().begin(), classes().end(), cls) == classes().end()) {
    return Error(Errc::kInvalidInput, "'" + cls + "' is not a retention class",
                 {"the classes are closed_family and rejected_nomination"});
  }
  auto d = parse_duration(duration);
  if (!d) return d.error();
  const Rule r{cls, canonical(*d), Store::now_utc(), store.context().actor};
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  auto before = schedule(store);
  if (!before) return before.error();
  std::string old;
  for (const auto& b : *before)
    if (b.cls == cls) old = b.duration;
  SF_TRY(db::set_retention_rule(store, {r.cls, r.duration, r.updated_at, r.updated_by}));
  SF_TRY(store.audit("retention " + cls, {{"action", "set"}, {"from", old}, {"to", r.duration}}));
  SF_TRY(tx->commit());
  return r;
}

Result<Due> due(Store& store, const std::string& as_of) {
  Date on;
  auto today = parse_date(Store::today());
  if (!today) return today.error();
  if (as_of.empty()) {
    on = *today;
  } else {
    auto d = parse_date(as_of);
    if (!d) return d.error().with_context("as of");
    if (*d > *today)
      return invalid_input("as of " + d->iso() + ": the date is in the future (today is " +
                           today->iso() + ")");
    on = *d;
  }
  auto rules = schedule(store);
  if (!rules) return rules.error();
  Due out;
  out.as_of = on.iso();
  for (const auto& r : *rules) {
    auto d = parse_duration(r.duration);
    if (!d) return d.error().with_context("retention class " + r.cls);
    Due::Class c{r.cls, r.duration, minus(on, *d).iso(), {}, 0};
    if (r.cls == "closed_family") {
      auto fams = db::families_closed_by(store, c.cutoff);
      if (!fams) return fams.error();
      for (const auto& [id, n] : *fams) {
        c.ids.push_back(id);
        c.people += n;
      }
    } else if (r.cls == "rejected_nomination") {
      auto noms = db::nominations_rejected_by(store, c.cutoff);
      if (!noms) return noms.error();
      c.ids = std::move(*noms);
    }
    out.classes.push_back(std::move(c));
  }
  return out;
}

Result<Disposed> apply(Store& store, const std::string& as_of) {
  if (auto e = store.erase_deleted_content(false); !e) return e.error();
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  // Read inside the transaction: what is deleted is what was counted.
  auto d = due(store, as_of);
  if (!d) return d.error();
  Disposed out;
  out.due = *d;
  nlohmann::json detail = {{"as_of", d->as_of}};
  nlohmann::json sched = nlohmann::json::object();
  for (const auto& c : d->classes) {
    sched[c.cls] = c.duration;
    if (c.cls == "closed_family") {
      std::vector<int64_t> pks;
      std::vector<std::string> ids;
      for (const auto& fid : c.ids) {
        auto members = store.family_members(fid);
        if (!members) return members.error();
        for (const auto& p : *members) {
          pks.push_back(p.pk);
          ids.push_back(p.id);
        }
      }
      // All at once: each key bucket is rewritten once, not once a family.
      SF_TRY(match::remove_people(store, pks));
      auto gone = store.dispose_disclosures(ids);
      if (!gone) return gone.error();
      out.disclosures = (*gone)["people"].get<int64_t>();
      detail["disposed_disclosures"] = *gone;
      for (const auto& fid : c.ids) SF_TRY(db::delete_family(store, fid));
      out.people = static_cast<int64_t>(ids.size());
      out.families = static_cast<int64_t>(c.ids.size());
      detail["families"] = c.ids;
    } else if (c.cls == "rejected_nomination") {
      for (const auto& id : c.ids) SF_TRY(db::delete_nomination(store, id));
      out.nominations = static_cast<int64_t>(c.ids.size());
      detail["nominations"] = c.ids;
    }
  }
  detail["schedule"] = sched;
  detail["people"] = out.people;
  detail["disclosures"] = out.disclosures;
  SF_TRY(store.audit("retention", detail));
  SF_TRY(tx->commit());
  // Nothing deleted: no copy to see to (and no note about one).
  if (out.families + out.nominations + out.disclosures == 0) return out;
  auto erased = store.erase_deleted_content(true);
  if (!erased) return erased.error();
  out.note = std::move(*erased);
  return out;
}

}  // namespace sfcohort::retention
