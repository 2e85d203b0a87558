// `identify`: every household holding evidence evaluated against a criteria
// set, candidates formed from evidence about people outside the cohort
// (sfcohort/identify.hpp).
#include "sfcohort/identify.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "db/evidence.hpp"
#include "db/identify_rows.hpp"
#include "sfcohort/nomination.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::identify {
namespace {

using db::EvidenceRecord;

std::string person_key(const EvidenceRecord& e) {
  return to_lower_ascii(e.given_name) + "|" + to_lower_ascii(e.surname) + "|" + e.dob;
}

std::string plural(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Where the listed households go: kept in the result, or handed on.
struct Lister {
  Identified& out;
  const Listed* hand_on;          // null: keep them all
  bool keep;                      // keep even so (nominations are made afterwards)
  std::vector<Disclosure> shown;  // the cohort people listed
  Status add(HouseholdResult&& r) {
    ++out.listed;
    if (r.in_cohort)
      for (const auto& [id, name] : r.names) shown.push_back({id, r.family_id, ""});
    if (keep || !hand_on) {
      out.households.push_back(std::move(r));
      return Ok{};
    }
    return (*hand_on)(r);
  }
};

// One person outside the cohort: their rows, and the address they last gave.
struct Outsider {
  const EvidenceRecord* at = nullptr;  // the row giving name, dob and address
  std::vector<const EvidenceRecord*> rows;
};

// The cohort families holding evidence, evaluated (read in one pass:
// db/identify_rows.hpp).
Status cohort_households(Store& store, const criteria::CriteriaSet& set, const Date& as_of,
                         bool only_new, Identified& out, Lister& list) {
  return db::each_evidence_family(store, [&](const db::EvidenceFamily& f) -> Status {
    HouseholdResult r;
    r.key = f.id;
    r.family_id = f.id;
    r.in_cohort = true;
    r.family_status = f.status;
    criteria::Household h;
    for (const auto& p : f.members) {
      criteria::Member m = criteria::member_from(p.id, p.given_name, p.dob, p.role);
      if (p.resident) {
        m.resident = *p.resident;
        m.relationship = p.relationship;
      }
      r.names[m.id] = m.name;
      h.members.push_back(std::move(m));
    }
    std::set<std::string> sources;
    for (const auto* rows : {&f.typed, &f.fed}) {
      for (const auto& e : *rows) {
        h.evidence.push_back(
            criteria::evidence_from(e.indicator, e.person_id, e.date, e.value, e.source));
      }
    }
    for (const auto& e : f.fed) sources.insert(e.source);
    r.why = "cohort family " + f.id + " (" + plural(h.members.size(), "person", "people") + ")";
    if (!f.fed.empty())
      r.why += ": " + plural(f.fed.size(), "feed row", "feed rows") + " matched to its people (" +
               plural(sources.size(), "source", "sources") + ")";
    if (!f.typed.empty())
      r.why += (f.fed.empty() ? ": " : "; ") + plural(f.typed.size(), "item", "items") +
               " from accepted nominations";
    r.outcome = set.evaluate(h, as_of);
    ++out.cohort_evaluated;
    if (r.outcome.eligible) ++out.cohort_eligible;
    if (only_new) return Ok{};  // counted, not listed
    r.household = std::move(h);
    return list.add(std::move(r));
  });
}

// The candidate households formed from the rows about people outside the
// cohort, evaluated.
Status candidate_households(Store& store, const criteria::CriteriaSet& set, const Date& as_of,
                            bool only_new, Identified& out, Lister& list) {
  auto rows = db::evidence_in_state(store, "outside");
  if (!rows) return rows.error();
  // Rows awaiting review, away from their possible match's home, count
  // provisionally (sfcohort/identify.hpp).
  auto pending = db::evidence_in_state(store, "review");
  if (!pending) return pending.error();
  for (auto& e : *pending) {
    const bool at_match_home =
        !e.postcode.empty() && e.postcode == e.person_postcode &&
        to_lower_ascii(trim(e.house)) == to_lower_ascii(trim(e.person_house));
    if (!at_match_home) rows->push_back(std::move(e));
  }
  std::map<std::string, Outsider> people;
  for (const auto& e : *rows) {
    Outsider& o = people[person_key(e)];
    o.rows.push_back(&e);
    // The address of the latest row that gives one.
    if (!o.at || (!e.postcode.empty() && (o.at->postcode.empty() || e.date >= o.at->date)))
      o.at = &e;
  }
  // Addresses shared with a cohort family.
  std::map<std::string, std::string> shared;
  for (const auto& e : *rows)
    if (!e.address_family.empty())
      shared[e.postcode + "|" + to_lower_ascii(e.house)] = e.address_family;
  struct Group {
    std::string why;
    std::vector<const Outsider*> people;
  };
  std::map<std::string, Group> groups;
  for (const auto& [pk, o] : people) {
    const EvidenceRecord& a = *o.at;
    const std::string addr = a.postcode + "|" + to_lower_ascii(a.house);
    std::string key, why;
    if (a.postcode.empty()) {
      key = "C:|" + pk;
      why = "no postcode given: a household of one";
    } else if (a.house.empty()) {
      key = "C:" + a.postcode + "||" + to_lower_ascii(a.surname);
      why = "same postcode and surname (no house given)";
    } else if (auto s = shared.find(addr); s != shared.end()) {
      key = "C:" + addr + "|" + to_lower_ascii(a.surname);
      why = "same postcode, house and surname: cohort family " + s->second + " lives there too";
    } else {
      key = "C:" + addr;
      why = "same postcode and house";
    }
    groups[key].why = why;
    groups[key].people.push_back(&o);
  }
  auto noms = db::candidate_nominations(store);
  if (!noms) return noms.error();
  for (const auto& [key, g] : groups) {
    HouseholdResult r;
    r.key = key;
    const EvidenceRecord& first = *g.people.front()->at;
    r.postcode = first.postcode;
    r.house = first.house;
    r.address = first.address;
    criteria::Household h;
    std::set<std::string> sources;
    size_t n_rows = 0;
    for (const Outsider* o : g.people) {
      const EvidenceRecord& a = *o->at;
      CandidatePerson p;
      p.id = "p" + std::to_string(r.people.size() + 1);
      p.given_name = a.given_name;
      p.surname = a.surname;
      p.dob = a.dob;
      p.sex = a.sex;
      auto dob = parse_date(a.dob);
      p.role = dob && age_on(*dob, as_of) < 18 ? "child" : "adult";
      h.members.push_back(criteria::member_from(p.id, p.given_name, p.dob, p.role));
      r.names[p.id] = trim(p.given_name + " " + p.surname);
      for (const auto* e : o->rows) {
        h.evidence.push_back(
            criteria::evidence_from(e->indicator, p.id, e->date, e->value, e->source));
        sources.insert(e->source);
        ++n_rows;
        if (e->state != "review") continue;
        ++r.pending_review;
        if (e->person_id &&
            std::find(r.possibly.begin(), r.possibly.end(), *e->person_id) == r.possibly.end())
          r.possibly.push_back(*e->person_id);
      }
      if (r.address.empty()) r.address = a.address;
      r.people.push_back(std::move(p));
    }
    r.why = g.why + ": " + plural(r.people.size(), "person", "people") + ", " +
            plural(n_rows, "feed row", "feed rows") + " from " +
            plural(sources.size(), "source", "sources");
    if (r.pending_review == 0) {
      r.why += " matching nobody in the cohort";
    } else {
      std::string ids;
      for (const auto& id : r.possibly) ids += (ids.empty() ? "" : ", ") + id;
      r.why += " not matched to the cohort, " + std::to_string(r.pending_review) +
               " of them awaiting evidence review (possibly " + ids + ")";
    }
    if (auto n = noms->find(key); n != noms->end()) {
      r.nomination_id = n->second.first;
      r.nomination_status = n->second.second;
    }
    r.outcome = set.evaluate(h, as_of);
    ++out.candidates;
    if (r.outcome.eligible) ++out.candidates_eligible;
    if (only_new && (!r.outcome.eligible || !r.nomination_id.empty())) continue;
    r.household = std::move(h);
    SF_TRY(list.add(std::move(r)));
  }
  return Ok{};
}

// The nomination file of candidate R, as `nominate submit` reads one.
std::string nomination_text(const HouseholdResult& r, const Options& opt, const Store& store) {
  nlohmann::ordered_json j;
  if (!opt.criteria.empty() && opt.criteria.find('/') == std::string::npos)
    j["criteria_set"] = opt.criteria;
  j["nominated_by"] = {{"name", store.context().actor},
                       {"agency", "sfcohort identify (partners' evidence feeds)"}};
  j["household"] = {
      {"address", {{"house", r.house}, {"street", r.address}, {"postcode", r.postcode}}}};
  auto members = nlohmann::ordered_json::array();
  for (const auto& p : r.people)
    members.push_back({{"id", p.id},
                       {"given_name", p.given_name},
                       {"surname", p.surname},
                       {"dob", p.dob},
                       {"sex", p.sex},
                       {"role", p.role}});
  j["members"] = members;
  auto ev = nlohmann::ordered_json::array();
  for (const auto& e : r.household.evidence) {
    nlohmann::ordered_json o = {
        {"indicator", e.indicator}, {"member", e.member}, {"date", e.date.iso()}};
    if (e.value) o["value"] = *e.value;
    o["source"] = e.source;
    ev.push_back(o);
  }
  j["evidence"] = ev;
  j["consent"] = {{"given", false}};
  j["legal_basis"] = opt.legal_basis;
  return j.dump(2);
}

}  // namespace

Result<Identified> identify(Store& store, const Options& opt) { return identify(store, opt, {}); }

Result<Identified> identify(Store& store, const Options& opt, const Listed& listed) {
  if (opt.nominate && trim(opt.legal_basis).empty())
    return Error(Errc::kInvalidInput, "nominating needs the legal basis for sharing the data",
                 {"e.g. \"UK GDPR Art 6(1)(e); Art 9(2)(g); Children Act 2004 s10\""});
  auto set = nomination::resolve_set(&store, opt.criteria);
  if (!set) return set.error();
  Identified out;
  out.criteria_set = set->name();
  out.summary = set->summary();
  out.as_of = opt.as_of.value_or(*parse_date(Store::today()));
  // Listing only the new eligible households, the others are counted and
  // dropped as they are evaluated.
  const bool only_new = opt.only_new || opt.nominate;
  Lister list{out, listed ? &listed : nullptr, opt.nominate, {}};
  SF_TRY(cohort_households(store, *set, out.as_of, only_new, out, list));
  SF_TRY(candidate_households(store, *set, out.as_of, only_new, out, list));
  nlohmann::json detail = {{"criteria_set", out.criteria_set},
                           {"as_of", out.as_of.iso()},
                           {"families", out.cohort_evaluated},
                           {"families_eligible", out.cohort_eligible},
                           {"candidates", out.candidates},
                           {"candidates_eligible", out.candidates_eligible},
                           {"listed", out.listed}};
  if (opt.only_new) detail["new"] = true;
  SF_TRY(store.audit("", detail, std::move(list.shown)));
  if (!opt.nominate) return out;
  // Each nomination is submitted (and audited) as `nominate submit` would;
  // then one entry records which household each was made for.
  nlohmann::json made = nlohmann::json::object();
  for (auto& r : out.households) {
    auto sub =
        nomination::submit(store, nomination_text(r, opt, store), "household " + r.key, opt.as_of);
    if (!sub) return sub.error();
    r.nomination_id = sub->record.id;
    r.nomination_status = sub->record.status;
    out.nominated.push_back(r.nomination_id);
    made[r.key] = r.nomination_id;
  }
  if (out.nominated.empty()) return out;  // nothing listed either
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  const std::string now = Store::now_utc();
  for (const auto& r : out.households)
    SF_TRY(db::insert_candidate_nomination(store, r.key, r.nomination_id, now));
  SF_TRY(store.audit("", {{"action", "nominate"}, {"nominations", made}}));
  SF_TRY(tx->commit());
  if (listed)
    for (const auto& r : out.households) SF_TRY(listed(r));
  return out;
}

}  // namespace sfcohort::identify
