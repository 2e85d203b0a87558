// Stored nominations: submit, list, show, decide, and what accepted
// nominations recorded per family. Each write is one write transaction
// holding its audit entry, so a nomination is never stored without its
// trail (or half accepted). The tables are db/'s (db/nominations.hpp).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "base/json_util.hpp"
#include "db/evidence.hpp"
#include "db/nominations.hpp"
#include "match/blocking.hpp"
#include "rules/nomination_lookup.hpp"
#include "sfcohort/nomination.hpp"

namespace sfcohort::nomination {

using nlohmann::json;
using nlohmann::ordered_json;

ordered_json outcome_json(const criteria::Outcome& o) {
  auto because = [](const std::vector<criteria::Because>& bs) {
    ordered_json a = ordered_json::array();
    for (const auto& b : bs) {
      a.push_back({{"indicator", b.indicator}, {"member", b.member}, {"detail", b.detail}});
    }
    return a;
  };
  ordered_json cs = ordered_json::array();
  for (const auto& c : o.criteria) {
    ordered_json needs = ordered_json::array();
    for (const auto& n : c.needs) {
      needs.push_back({{"id", n.id},
                       {"title", n.title},
                       {"met", n.met},
                       {"counted", n.met && n.counted},
                       {"because", because(n.because)},
                       {"why_not", n.why_not}});
    }
    cs.push_back({{"id", c.id},
                  {"title", c.title},
                  {"met", c.met},
                  {"counted", c.met && c.counted},
                  {"because", because(c.because)},
                  {"why_not", c.why_not},
                  {"needs", needs}});
  }
  ordered_json j;
  j["criteria_set"] = o.criteria_set;
  j["as_of"] = o.as_of.iso();
  j["threshold"] = o.threshold;
  j["met"] = o.met;
  j["eligible"] = o.eligible;
  j["criteria"] = cs;
  j["notes"] = o.notes;
  j["title"] = o.title;
  j["count"] = o.count;
  j["counted"] = o.counted;
  j["needs_met"] = o.needs_met;
  j["requirement"] = o.requirement.empty()
                         ? ordered_json(nullptr)
                         : ordered_json{{"description", o.requirement}, {"met", o.requirement_met}};
  return j;
}

Result<criteria::CriteriaSet> resolve_set(Store* store, const std::string& name_or_path) {
  if (!name_or_path.empty()) return criteria::CriteriaSet::load(name_or_path);
  if (store) {
    auto m = store->meta("criteria_set");
    if (!m) return m.error();
    if (m->has_value() && !(*m)->empty()) {
      auto s = criteria::CriteriaSet::load(**m);
      if (!s) {
        return s.error().with_context("the database's default criteria set (meta criteria_set)");
      }
      return s;
    }
  }
  return criteria::CriteriaSet::load(criteria::CriteriaSet::kDefault);
}

Status set_default_set(Store& store, const std::string& name_or_path) {
  auto set = criteria::CriteriaSet::load(name_or_path);
  if (!set) return std::move(set).error();
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  SF_TRY(store.set_meta("criteria_set", name_or_path));
  SF_TRY(store.audit("criteria_set", {{"action", "set default"}, {"criteria_set", name_or_path}}));
  return tx->commit();
}

namespace {

std::string str_of(const json& o, const char* key) {
  return o.contains(key) && o[key].is_string() ? o[key].get<std::string>() : std::string();
}

// What the command layer shows of the stored document, read as written (a
// UTF-8 byte-order mark is kept in storage, as submitted, and skipped here).
void read_document(Record& r) {
  std::string_view v(r.document);
  if (v.substr(0, 3) == "\xEF\xBB\xBF") v.remove_prefix(3);
  r.document_json = ordered_json::parse(v.begin(), v.end(), nullptr, false);
  if (r.document_json.is_discarded()) r.document_json = nullptr;
  const json doc = json::parse(v.begin(), v.end(), nullptr, false);
  if (!doc.is_object()) return;
  if (doc.contains("nominated_by") && doc["nominated_by"].is_object()) {
    const json& o = doc["nominated_by"];
    r.nominated_by = Nominator{str_of(o, "name"), str_of(o, "agency"), str_of(o, "email")};
  }
  if (!doc.contains("members") || !doc["members"].is_array()) return;
  for (const auto& o : doc["members"]) {
    if (!o.is_object()) continue;
    Member m;
    m.id = str_of(o, "id");
    m.given_name = str_of(o, "given_name");
    m.middle_names = str_of(o, "middle_names");
    m.surname = str_of(o, "surname");
    m.dob = str_of(o, "dob");
    m.sex = str_of(o, "sex");
    m.role = str_of(o, "role");
    m.relationship = str_of(o, "relationship");
    m.resident =
        !(o.contains("resident") && o["resident"].is_boolean()) || o["resident"].get<bool>();
    r.members.push_back(std::move(m));
  }
}

Record from_stored(db::NominationRecord s) {
  Record r;
  r.id = std::move(s.id);
  r.status = std::move(s.status);
  r.submitted_at = std::move(s.submitted_at);
  r.submitted_by = std::move(s.submitted_by);
  r.criteria_set = std::move(s.criteria_set);
  r.as_of = std::move(s.as_of);
  r.eligible = s.eligible;
  r.criteria_met = std::move(s.criteria_met);
  r.family_id = std::move(s.family_id);
  r.decided_at = std::move(s.decided_at);
  r.decided_by = std::move(s.decided_by);
  r.reason = std::move(s.reason);
  r.document = std::move(s.document);
  r.result = ordered_json::parse(s.result_json, nullptr, false);
  for (auto& m : s.matches) {
    r.matches.push_back({std::move(m.member_id), std::move(m.band), std::move(m.person_id),
                         std::move(m.family_id), ""});
  }
  read_document(r);
  return r;
}

Result<std::optional<Record>> load_record(Store& store, const std::string& id) {
  auto s = db::find_nomination(store, id);
  if (!s) return s.error();
  if (!*s) return std::optional<Record>();
  return std::optional<Record>(from_stored(std::move(**s)));
}

Error unknown_nomination(const std::string& id) {
  return Error(Errc::kInvalidInput, "no nomination '" + id + "'",
               {"list them with: sfcohort nominate list"});
}

// The family the members are (exact or strong matches), if they point to one.
std::set<std::string> matched_families(const std::vector<CohortMatch>& ms) {
  std::set<std::string> out;
  for (const auto& m : ms) {
    if (m.band == "exact" || m.band == "strong") out.insert(m.family_id);
  }
  return out;
}

// The best match of each member (none for a member not in the cohort).
Result<std::map<std::string, CohortMatch>> find_members(Store& store, const Nomination& n) {
  auto finder = CohortFinder::create(store);
  if (!finder) return finder.error();
  std::map<std::string, CohortMatch> by_member;
  for (const auto& m : n.members) {
    auto found = finder->find(m, n.address);
    if (!found) return found.error();
    if (!found->empty()) by_member[m.id] = found->front();
  }
  return by_member;
}

Status store_submitted(Store& store, const Record& rec, const Nomination& n,
                       const std::map<std::string, CohortMatch>& by_member) {
  db::NominationRecord s;
  s.id = rec.id;
  s.submitted_at = rec.submitted_at;
  s.submitted_by = rec.submitted_by;
  s.nominator_name = n.nominated_by.name;
  s.nominator_agency = n.nominated_by.agency;
  s.nominator_email = n.nominated_by.email;
  s.criteria_set = rec.criteria_set;
  s.as_of = rec.as_of;
  s.eligible = rec.eligible;
  s.criteria_met = rec.criteria_met;
  s.family_id = rec.family_id;
  s.document = rec.document;
  s.result_json = rec.result.dump();
  std::vector<db::NominatedMember> members;
  for (const auto& m : n.members) {
    db::NominatedMember nm{m.id, m.resident, m.relationship, std::nullopt};
    if (auto it = by_member.find(m.id); it != by_member.end()) {
      nm.match = db::MemberMatch{m.id, it->second.band, it->second.person_id, it->second.family_id};
    }
    members.push_back(std::move(nm));
  }
  return db::insert_nomination(store, s, members);
}

}  // namespace

Result<Submitted> submit(Store& store, const std::string& text, const std::string& label,
                         std::optional<Date> as_of) {
  auto today = parse_date(Store::today());
  if (!today) return today.error();
  // Every error of the file at once: its structure, then its evidence
  // against the set it names (when that set can be had).
  Nomination n;
  Problems ps;
  parse_into(text, *today, n, ps);
  auto set = resolve_set(&store, n.criteria_set);
  if (!set) {
    if (!n.criteria_set.empty() && set.error().code == Errc::kInvalidInput) {
      ps.found.push_back(set.error().with_context("criteria_set"));
    } else {
      return std::move(set).error();
    }
  } else {
    check_indicators(n, *set, ps);
  }
  SF_TRY(ps.status(label));
  const Date on = as_of.value_or(*today);
  criteria::Outcome outcome = set->evaluate(to_household(n), on);

  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  auto by_member = find_members(store, n);
  if (!by_member) return by_member.error();
  std::vector<CohortMatch> matches;
  for (const auto& m : n.members) {
    if (auto it = by_member->find(m.id); it != by_member->end()) matches.push_back(it->second);
  }
  auto fams = matched_families(matches);
  std::optional<std::string> family;
  if (fams.size() == 1) family = *fams.begin();

  auto id = db::next_nomination_id(store);
  if (!id) return id.error();
  Record rec;
  rec.id = *id;
  rec.status = "pending";
  rec.submitted_at = Store::now_utc();
  rec.submitted_by = store.context().actor;
  rec.criteria_set = set->name();
  rec.as_of = on.iso();
  rec.eligible = outcome.eligible;
  rec.criteria_met = outcome.met;
  rec.family_id = family;
  rec.document = text;
  rec.result = outcome_json(outcome);
  rec.matches = matches;
  read_document(rec);
  SF_TRY(store_submitted(store, rec, n, *by_member));
  json matched = json::array();
  for (const auto& m : matches) matched.push_back(m.person_id);
  SF_TRY(store.audit(rec.id, {{"action", "submit"},
                              {"file", label},
                              {"members", n.members.size()},
                              {"evidence", n.evidence.size()},
                              {"criteria_set", rec.criteria_set},
                              {"as_of", rec.as_of},
                              {"eligible", rec.eligible},
                              {"matched", matched}}));
  SF_TRY(tx->commit());
  return Submitted{std::move(rec), std::move(outcome)};
}

Result<std::vector<Record>> list(Store& store, const std::string& status) {
  if (!status.empty() && status != "pending" && status != "accepted" && status != "rejected") {
    return invalid_input("status: expected pending, accepted or rejected, not '" + status + "'");
  }
  auto stored = db::nominations_with_status(store, status);
  if (!stored) return stored.error();
  std::vector<Record> out;
  for (auto& s : *stored) out.push_back(from_stored(std::move(s)));
  SF_TRY(
      store.audit("nominations", {{"action", "list"}, {"status", status}, {"count", out.size()}}));
  return out;
}

Result<Record> show(Store& store, const std::string& id) {
  auto r = load_record(store, id);
  if (!r) return r.error();
  if (!r->has_value()) return unknown_nomination(id);
  SF_TRY(store.audit(id, {{"action", "show"}}));
  return std::move(**r);
}

namespace {

// Where an accepted household goes: the family D names, else the one family
// its members matched, else a new family. Returns the family and whether it
// was already in the cohort.
Result<std::pair<std::string, bool>> choose_family(Store& store, const std::string& id,
                                                   const Decision& d,
                                                   const std::vector<CohortMatch>& matches,
                                                   std::vector<std::string>* several) {
  if (!d.family_id.empty()) {
    auto f = store.family(d.family_id);
    if (!f) return f.error();
    if (!f->has_value()) {
      return invalid_input("no family '" + d.family_id + "' in the cohort to merge into");
    }
    return std::make_pair(d.family_id, true);
  }
  auto fams = matched_families(matches);
  if (fams.size() > 1) {
    std::string list;
    for (const auto& f : fams) list += (list.empty() ? "" : ", ") + f;
    if (several) several->assign(fams.begin(), fams.end());
    return Error(Errc::kInvalidInput,
                 "nomination " + id + ": its members are in several cohort families (" + list + ")",
                 {"choose the family to merge into"});
  }
  if (fams.size() == 1) return std::make_pair(*fams.begin(), true);
  auto nf = store.new_family_id();
  if (!nf) return nf.error();
  return std::make_pair(*nf, false);
}

// The lead agency: the one marked lead, else a lead professional.
const Agency* lead_agency(const Nomination& n) {
  const Agency* lead = nullptr;
  for (const auto& a : n.agencies) {
    if (a.lead) lead = &a;
  }
  for (const auto& a : n.agencies) {
    if (!lead && a.role == "lead_professional") lead = &a;
  }
  return lead;
}

Status put_cohort_family(Store& store, const std::string& family_id, bool merged,
                         const Agency* lead, const std::string& today) {
  Family fam;
  if (merged) {
    auto f = store.family(family_id);
    if (!f) return f.error();
    fam = **f;
    fam.status = "cohort";
    if (!fam.joined_on) fam.joined_on = today;
  } else {
    fam.id = family_id;
    fam.status = "cohort";
    fam.joined_on = today;
  }
  if (lead) {
    fam.lead_agency = lead->name;
    fam.lead_contact = lead->contact;
  }
  return store.put_family(fam);
}

struct Placed {
  std::map<std::string, std::string> person_of;  // member id -> person id
  json added = json::array(), kept = json::array();
};

// Each member as a person of FAMILY_ID: the one matched there (exact or
// strong), else a new person.
Result<Placed> place_members(Store& store, const std::string& id, const Nomination& n,
                             const std::string& family_id,
                             const std::map<std::string, std::vector<CohortMatch>>& by_member,
                             const std::string& today) {
  Placed out;
  for (const auto& m : n.members) {
    std::string pid;
    if (auto it = by_member.find(m.id); it != by_member.end()) {
      for (const auto& c : it->second) {
        if ((c.band == "exact" || c.band == "strong") && c.family_id == family_id) {
          pid = c.person_id;
          break;
        }
      }
    }
    if (pid.empty()) {
      Person p;
      p.family_id = family_id;
      p.given_name = m.given_name;
      p.middle_names = m.middle_names;
      p.surname = m.surname;
      p.dob = m.dob;
      p.sex = m.sex;
      p.role = m.role;
      if (m.resident) {
        p.postcode = n.address.postcode;
        p.house = n.address.house;
        p.address = n.address.line();
      }
      p.joined_on = today;
      p.extra = json{{"nomination", id}, {"relationship", m.relationship}}.dump();
      auto stored = match::add_person(store, p);
      if (!stored) return stored.error();
      pid = stored->id;
      out.added.push_back(pid);
    } else {
      out.kept.push_back(pid);
    }
    out.person_of[m.id] = pid;
    SF_TRY(db::set_member_person(store, id, m.id, pid));
  }
  return out;
}

Status record_family(Store& store, const std::string& id, const Nomination& n,
                     const std::string& family_id, const Agency* lead, const Placed& placed,
                     const std::string& now) {
  std::vector<db::FamilyEvidence> evidence;
  for (const auto& e : n.evidence) {
    db::FamilyEvidence fe;
    fe.indicator = e.indicator;
    if (!e.member.empty()) {
      auto it = placed.person_of.find(e.member);
      fe.person_id = it == placed.person_of.end() ? std::string() : it->second;
    }
    fe.member_id = e.member;
    fe.date = e.date;
    fe.value = e.value;
    fe.source = e.source;
    evidence.push_back(std::move(fe));
  }
  std::vector<db::FamilyAgency> agencies;
  for (const auto& a : n.agencies) agencies.push_back({a.name, a.role, a.contact, &a == lead});
  db::FamilyConsent consent;
  consent.given = n.consent.given;
  if (!n.consent.date.empty()) consent.given_on = n.consent.date;
  consent.given_by = n.consent.by;
  consent.legal_basis = n.legal_basis;
  consent.recorded_at = now;
  return db::add_family_records(store, family_id, id, evidence, agencies, consent);
}

// Adds the household of the accepted nomination REC to the cohort and
// records its evidence, agencies and consent; says what it did in DETAIL.
Status accept_into_cohort(Store& store, Record& rec, const Decision& d, const std::string& now,
                          const std::string& today, json& detail,
                          std::vector<std::string>* several) {
  auto td = parse_date(today);
  if (!td) return td.error();
  // The document was valid when submitted, so this parse succeeds; a
  // member without a role gets it from their age today.
  auto n = parse(rec.document, rec.id, *td);
  if (!n) return n.error();
  // Look the members up again: the cohort may have changed since submit.
  auto finder = CohortFinder::create(store);
  if (!finder) return finder.error();
  std::vector<CohortMatch> matches;
  std::map<std::string, std::vector<CohortMatch>> by_member;
  for (const auto& m : n->members) {
    auto found = finder->find(m, n->address);
    if (!found) return found.error();
    by_member[m.id] = *found;
    matches.insert(matches.end(), found->begin(), found->end());
  }
  auto chosen = choose_family(store, rec.id, d, matches, several);
  if (!chosen) return chosen.error();
  const auto& [family_id, merged] = *chosen;
  const Agency* lead = lead_agency(*n);
  SF_TRY(put_cohort_family(store, family_id, merged, lead, today));
  auto placed = place_members(store, rec.id, *n, family_id, by_member, today);
  if (!placed) return placed.error();
  SF_TRY(record_family(store, rec.id, *n, family_id, lead, *placed, now));
  rec.family_id = family_id;
  detail["family_id"] = family_id;
  detail["merged"] = merged;
  detail["added"] = placed->added;
  detail["kept"] = placed->kept;
  return Ok{};
}

}  // namespace

Result<Record> decide(Store& store, const std::string& id, const Decision& d,
                      std::vector<std::string>* several) {
  if (trim(d.reason).empty()) return invalid_input("a decision needs a reason: say why it is so");
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  auto loaded = load_record(store, id);
  if (!loaded) return loaded.error();
  if (!loaded->has_value()) return unknown_nomination(id);
  Record rec = std::move(**loaded);
  if (rec.status != "pending") {
    return Error(Errc::kInvalidInput,
                 "nomination " + id + " was already " + rec.status + " on " +
                     rec.decided_at.value_or("?") + " by " + rec.decided_by.value_or("?"),
                 {"a decision stands; submit the nomination again to reconsider it"});
  }
  const std::string now = Store::now_utc();
  json detail = {{"action", d.accept ? "accept" : "reject"}, {"reason", d.reason}};
  if (d.accept) SF_TRY(accept_into_cohort(store, rec, d, now, Store::today(), detail, several));
  rec.status = d.accept ? "accepted" : "rejected";
  rec.decided_at = now;
  rec.decided_by = store.context().actor;
  rec.reason = d.reason;
  auto recorded =
      db::record_decision(store, {id, rec.status, now, *rec.decided_by, d.reason, rec.family_id});
  if (!recorded) return recorded.error();
  if (!*recorded) return internal_error("nomination " + id + ": decision not recorded");
  SF_TRY(store.audit(id, detail));
  SF_TRY(tx->commit());
  return rec;
}

Result<Dossier> family_dossier(Store& store, const std::string& family_id) {
  Dossier d;
  d.family_id = family_id;
  auto check = db::latest_accepted_check(store, family_id);
  if (!check) return check.error();
  if (*check) {
    d.criteria_set = (*check)->criteria_set;
    d.criteria_met = (*check)->criteria_met;
  }
  auto evidence = db::family_evidence(store, family_id);
  if (!evidence) return evidence.error();
  for (auto& e : *evidence) {
    d.evidence.push_back({std::move(e.indicator), e.person_id.value_or(""), std::move(e.date),
                          e.value, std::move(e.source), std::move(e.nomination_id)});
  }
  // Each agency once, as the latest nomination described it.
  auto agencies = db::family_agencies(store, family_id);
  if (!agencies) return agencies.error();
  std::set<std::string> seen;
  for (auto& a : *agencies) {
    if (!seen.insert(a.name).second) continue;
    d.agencies.push_back({std::move(a.name), std::move(a.role), std::move(a.contact), a.lead});
  }
  std::reverse(d.agencies.begin(), d.agencies.end());
  auto consent = db::latest_consent(store, family_id);
  if (!consent) return consent.error();
  if (*consent) {
    const auto& c = **consent;
    d.consent =
        ConsentRow{c.given, c.given_on.value_or(""), c.given_by, c.legal_basis, c.nomination_id};
  }
  return d;
}

Result<criteria::Household> family_household(Store& store, const std::string& family_id) {
  auto f = store.family(family_id);
  if (!f) return f.error();
  if (!f->has_value()) {
    return Error(Errc::kInvalidInput, "no family '" + family_id + "' in the cohort",
                 {"a nomination file's name must end in .json"});
  }
  auto people = store.family_members(family_id);
  if (!people) return people.error();
  criteria::Household h;
  for (const auto& p : *people) {
    criteria::Member m = criteria::member_from(p.id, p.given_name, p.dob, p.role);
    auto ms = db::latest_membership(store, p.id);
    if (!ms) return ms.error();
    if (*ms) {
      m.resident = (*ms)->resident;
      m.relationship = (*ms)->relationship;
    }
    h.members.push_back(std::move(m));
  }
  auto d = family_dossier(store, family_id);
  if (!d) return d.error();
  for (const auto& e : d->evidence) {
    h.evidence.push_back(
        criteria::evidence_from(e.indicator, e.person_id, e.date, e.value, e.source));
  }
  // And what partners' feeds said about its people (sfcohort/evidence.hpp).
  auto fed = db::family_feed_evidence(store, family_id);
  if (!fed) return fed.error();
  for (const auto& e : *fed) {
    h.evidence.push_back(
        criteria::evidence_from(e.indicator, e.person_id.value_or(""), e.date, e.value, e.source));
  }
  return h;
}

}  // namespace sfcohort::nomination
