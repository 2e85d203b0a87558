// Stored nominations: submit, list, show, decide, and what accepted
// nominations recorded per family. Each write is one BEGIN IMMEDIATE
// transaction holding its audit entry, so a nomination is never stored
// without its trail (or half accepted).
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "base/json_util.hpp"
#include "match/blocking.hpp"
#include "rules/nomination_lookup.hpp"
#include "sfcohort/nomination.hpp"
#include "db/sqlite.hpp"

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
  auto tx = sql::Transaction::begin(store.db());
  if (!tx) return tx.error();
  SF_TRY(store.set_meta("criteria_set", name_or_path));
  SF_TRY(store.audit("criteria_set", {{"action", "set default"}, {"criteria_set", name_or_path}}));
  return tx->commit();
}

namespace {

constexpr const char* kRecordCols =
    "id, status, submitted_at, submitted_by, criteria_set, as_of, eligible, criteria_met, "
    "family_id, decided_at, decided_by, reason, document, result";

Record read_record(const sql::Stmt& st) {
  Record r;
  r.id = st.text(0);
  r.status = st.text(1);
  r.submitted_at = st.text(2);
  r.submitted_by = st.text(3);
  r.criteria_set = st.text(4);
  r.as_of = st.text(5);
  r.eligible = st.int64(6) != 0;
  json met = json::parse(st.text(7), nullptr, false);
  if (met.is_array()) {
    for (const auto& v : met) {
      if (v.is_number_integer()) r.criteria_met.push_back(v.get<int>());
    }
  }
  r.family_id = st.text_or_null(8);
  r.decided_at = st.text_or_null(9);
  r.decided_by = st.text_or_null(10);
  r.reason = st.text_or_null(11);
  r.document = st.text(12);
  r.result = ordered_json::parse(st.text(13), nullptr, false);
  return r;
}

Result<std::vector<CohortMatch>> stored_matches(Store& store, const std::string& id) {
  auto st = store.cached(
      "SELECT member_id, matched_band, matched_person, matched_family FROM nomination_member "
      "WHERE nomination_id = ?1 AND matched_person IS NOT NULL ORDER BY member_id");
  if (!st) return st.error();
  (*st)->bind(1, id);
  std::vector<CohortMatch> out;
  for (;;) {
    auto r = (*st)->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back({(*st)->text(0), (*st)->text(1), (*st)->text(2), (*st)->text(3), ""});
  }
  (*st)->reset();
  return out;
}

Result<std::optional<Record>> load_record(Store& store, const std::string& id) {
  auto st = store.cached(std::string("SELECT ") + kRecordCols + " FROM nomination WHERE id = ?1");
  if (!st) return st.error();
  (*st)->bind(1, id);
  auto r = (*st)->step();
  if (!r) return r.error();
  if (!*r) return std::optional<Record>();
  Record rec = read_record(**st);
  (*st)->reset();
  auto m = stored_matches(store, id);
  if (!m) return m.error();
  rec.matches = std::move(*m);
  return std::optional<Record>(std::move(rec));
}

Result<std::string> new_nomination_id(Store& store) {
  auto n = store.db().scalar_int(
      "SELECT coalesce(max(CAST(substr(id, 2) AS INTEGER)), 0) + 1 FROM nomination");
  if (!n) return n.error();
  char buf[32];
  std::snprintf(buf, sizeof buf, "N%06lld", static_cast<long long>(*n));
  return std::string(buf);
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

}  // namespace

Result<Submitted> submit(Store& store, const std::string& text, const std::string& label,
                         std::optional<Date> as_of) {
  auto today = parse_date(Store::today());
  if (!today) return today.error();
  auto n = parse(text, label, *today);
  if (!n) return std::move(n).error();
  auto set = resolve_set(&store, n->criteria_set);
  if (!set) {
    if (!n->criteria_set.empty() && set.error().code == Errc::kInvalidInput) {
      return set.error().with_context(label + ": criteria_set");
    }
    return std::move(set).error();
  }
  SF_TRY(validate_indicators(*n, *set, label));
  const Date on = as_of.value_or(*today);
  criteria::Outcome outcome = set->evaluate(to_household(*n), on);

  auto tx = sql::Transaction::begin(store.db());
  if (!tx) return tx.error();
  auto finder = CohortFinder::create(store);
  if (!finder) return finder.error();
  std::vector<CohortMatch> matches;
  std::map<std::string, CohortMatch> by_member;
  for (const auto& m : n->members) {
    auto found = finder->find(m, n->address);
    if (!found) return found.error();
    if (!found->empty()) {
      by_member[m.id] = found->front();
      matches.push_back(found->front());
    }
  }
  auto fams = matched_families(matches);
  std::optional<std::string> family;
  if (fams.size() == 1) family = *fams.begin();

  auto id = new_nomination_id(store);
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

  auto st = store.db().prepare(
      "INSERT INTO nomination(id, status, submitted_at, submitted_by, nominator_name, "
      "nominator_agency, nominator_email, criteria_set, as_of, eligible, criteria_met, result, "
      "document, family_id) VALUES (?1, 'pending', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
      "?13)");
  if (!st) return st.error();
  st->bind(1, rec.id).bind(2, rec.submitted_at).bind(3, rec.submitted_by);
  st->bind(4, n->nominated_by.name).bind(5, n->nominated_by.agency).bind(6, n->nominated_by.email);
  st->bind(7, rec.criteria_set).bind(8, rec.as_of).bind(9, rec.eligible ? 1 : 0);
  st->bind(10, json(rec.criteria_met).dump()).bind(11, rec.result.dump()).bind(12, text);
  st->bind(13, family);
  SF_TRY(st->run());
  auto mst = store.db().prepare(
      "INSERT INTO nomination_member(nomination_id, member_id, resident, relationship, "
      "matched_person, matched_family, matched_band) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!mst) return mst.error();
  for (const auto& m : n->members) {
    mst->reset();
    mst->bind(1, rec.id).bind(2, m.id).bind(3, m.resident ? 1 : 0).bind(4, m.relationship);
    auto it = by_member.find(m.id);
    if (it != by_member.end()) {
      mst->bind(5, it->second.person_id).bind(6, it->second.family_id).bind(7, it->second.band);
    } else {
      mst->bind_null(5).bind_null(6).bind_null(7);
    }
    SF_TRY(mst->run());
  }
  json matched = json::array();
  for (const auto& m : matches) matched.push_back(m.person_id);
  SF_TRY(store.audit(rec.id, {{"action", "submit"},
                              {"file", label},
                              {"members", n->members.size()},
                              {"evidence", n->evidence.size()},
                              {"criteria_set", rec.criteria_set},
                              {"as_of", rec.as_of},
                              {"eligible", rec.eligible},
                              {"matched", matched}}));
  SF_TRY(tx->commit());
  return Submitted{std::move(rec), std::move(outcome)};
}

Result<std::vector<Record>> list(Store& store, const std::string& status) {
  if (!status.empty() && status != "pending" && status != "accepted" && status != "rejected") {
    return invalid_input("--status: expected pending, accepted or rejected, not '" + status + "'");
  }
  auto st = store.db().prepare(std::string("SELECT ") + kRecordCols +
                               " FROM nomination WHERE ?1 = '' OR status = ?1 ORDER BY id DESC");
  if (!st) return st.error();
  st->bind(1, status);
  std::vector<Record> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(read_record(*st));
  }
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

Result<Record> decide(Store& store, const std::string& id, const Decision& d) {
  if (trim(d.reason).empty())
    return invalid_input("--reason: say why the nomination is decided so");
  auto tx = sql::Transaction::begin(store.db());
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
  const std::string today = Store::today();
  json detail = {{"action", d.accept ? "accept" : "reject"}, {"reason", d.reason}};

  if (d.accept) {
    auto td = parse_date(today);
    if (!td) return td.error();
    // The document was valid when submitted, so this parse succeeds; a
    // member without a role gets it from their age today.
    auto n = parse(rec.document, id, *td);
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
    std::string family_id = d.family_id;
    bool merged = false;
    if (!family_id.empty()) {
      auto f = store.family(family_id);
      if (!f) return f.error();
      if (!f->has_value())
        return invalid_input("--family: no family '" + family_id + "' in the cohort");
      merged = true;
    } else {
      auto fams = matched_families(matches);
      if (fams.size() > 1) {
        std::string list;
        for (const auto& f : fams) list += (list.empty() ? "" : ", ") + f;
        return Error(
            Errc::kInvalidInput,
            "nomination " + id + ": its members are in several cohort families (" + list + ")",
            {"choose the family to merge into with --family ID"});
      }
      if (fams.size() == 1) {
        family_id = *fams.begin();
        merged = true;
      } else {
        auto nf = store.new_family_id();
        if (!nf) return nf.error();
        family_id = *nf;
      }
    }
    // The lead agency: the one marked lead, else a lead professional.
    const Agency* lead = nullptr;
    for (const auto& a : n->agencies) {
      if (a.lead) lead = &a;
    }
    for (const auto& a : n->agencies) {
      if (!lead && a.role == "lead_professional") lead = &a;
    }
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
    SF_TRY(store.put_family(fam));

    std::map<std::string, std::string> person_of;  // member id -> person id
    json added = json::array(), kept = json::array();
    for (const auto& m : n->members) {
      std::string pid;
      for (const auto& c : by_member[m.id]) {
        if ((c.band == "exact" || c.band == "strong") && c.family_id == family_id) {
          pid = c.person_id;
          break;
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
          p.postcode = n->address.postcode;
          p.house = n->address.house;
          p.address = n->address.line();
        }
        p.joined_on = today;
        p.extra = json{{"nomination", id}, {"relationship", m.relationship}}.dump();
        auto stored = match::add_person(store, p);
        if (!stored) return stored.error();
        pid = stored->id;
        added.push_back(pid);
      } else {
        kept.push_back(pid);
      }
      person_of[m.id] = pid;
      auto up = store.cached(
          "UPDATE nomination_member SET person_id = ?3 WHERE nomination_id = ?1 AND member_id = "
          "?2");
      if (!up) return up.error();
      (*up)->bind(1, id).bind(2, m.id).bind(3, pid);
      SF_TRY((*up)->run());
    }
    auto ev = store.db().prepare(
        "INSERT INTO family_evidence(family_id, nomination_id, indicator, person_id, member_id, "
        "date, value, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!ev) return ev.error();
    for (const auto& e : n->evidence) {
      ev->reset();
      ev->bind(1, family_id).bind(2, id).bind(3, e.indicator);
      if (e.member.empty()) {
        ev->bind_null(4);
      } else {
        ev->bind(4, person_of[e.member]);
      }
      ev->bind(5, e.member).bind(6, e.date);
      if (e.value) {
        ev->bind(7, *e.value);
      } else {
        ev->bind_null(7);
      }
      ev->bind(8, e.source);
      SF_TRY(ev->run());
    }
    auto ag = store.db().prepare(
        "INSERT INTO family_agency(family_id, nomination_id, name, role, contact, lead) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!ag) return ag.error();
    for (const auto& a : n->agencies) {
      ag->reset();
      ag->bind(1, family_id).bind(2, id).bind(3, a.name).bind(4, a.role).bind(5, a.contact);
      ag->bind(6, &a == lead ? 1 : 0);
      SF_TRY(ag->run());
    }
    auto co = store.db().prepare(
        "INSERT INTO family_consent(nomination_id, family_id, given, given_on, given_by, "
        "legal_basis, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!co) return co.error();
    co->bind(1, id).bind(2, family_id).bind(3, n->consent.given ? 1 : 0);
    co->bind(4, n->consent.date.empty() ? std::optional<std::string>() : n->consent.date);
    co->bind(5, n->consent.by).bind(6, n->legal_basis).bind(7, now);
    SF_TRY(co->run());
    rec.family_id = family_id;
    detail["family_id"] = family_id;
    detail["merged"] = merged;
    detail["added"] = added;
    detail["kept"] = kept;
  }
  auto up = store.db().prepare(
      "UPDATE nomination SET status = ?2, decided_at = ?3, decided_by = ?4, reason = ?5, "
      "family_id = ?6 WHERE id = ?1 AND status = 'pending'");
  if (!up) return up.error();
  rec.status = d.accept ? "accepted" : "rejected";
  rec.decided_at = now;
  rec.decided_by = store.context().actor;
  rec.reason = d.reason;
  up->bind(1, id).bind(2, rec.status).bind(3, now).bind(4, *rec.decided_by).bind(5, d.reason);
  up->bind(6, rec.family_id);
  SF_TRY(up->run());
  if (store.db().changes() != 1)
    return internal_error("nomination " + id + ": decision not recorded");
  SF_TRY(store.audit(id, detail));
  SF_TRY(tx->commit());
  return rec;
}

Result<Dossier> family_dossier(Store& store, const std::string& family_id) {
  Dossier d;
  d.family_id = family_id;
  {
    auto st = store.cached(
        "SELECT criteria_set, criteria_met FROM nomination WHERE family_id = ?1 AND status = "
        "'accepted' "
        "ORDER BY decided_at DESC, id DESC LIMIT 1");
    if (!st) return st.error();
    (*st)->bind(1, family_id);
    auto r = (*st)->step();
    if (!r) return r.error();
    if (*r) {
      d.criteria_set = (*st)->text(0);
      json met = json::parse((*st)->text(1), nullptr, false);
      if (met.is_array()) {
        for (const auto& v : met) {
          if (v.is_number_integer()) d.criteria_met.push_back(v.get<int>());
        }
      }
    }
    (*st)->reset();
  }
  {
    auto st = store.cached(
        "SELECT indicator, coalesce(person_id, ''), date, value, source, nomination_id "
        "FROM family_evidence WHERE family_id = ?1 ORDER BY date, pk");
    if (!st) return st.error();
    (*st)->bind(1, family_id);
    for (;;) {
      auto r = (*st)->step();
      if (!r) return r.error();
      if (!*r) break;
      EvidenceRow e;
      e.indicator = (*st)->text(0);
      e.person_id = (*st)->text(1);
      e.date = (*st)->text(2);
      if (!(*st)->is_null(3)) e.value = (*st)->real(3);
      e.source = (*st)->text(4);
      e.nomination_id = (*st)->text(5);
      d.evidence.push_back(std::move(e));
    }
    (*st)->reset();
  }
  {
    // Each agency once, as the latest nomination described it.
    auto st = store.cached(
        "SELECT name, role, contact, lead FROM family_agency WHERE family_id = ?1 ORDER BY pk "
        "DESC");
    if (!st) return st.error();
    (*st)->bind(1, family_id);
    std::set<std::string> seen;
    for (;;) {
      auto r = (*st)->step();
      if (!r) return r.error();
      if (!*r) break;
      AgencyRow a{(*st)->text(0), (*st)->text(1), (*st)->text(2), (*st)->int64(3) != 0};
      if (!seen.insert(a.name).second) continue;
      d.agencies.push_back(std::move(a));
    }
    (*st)->reset();
    std::reverse(d.agencies.begin(), d.agencies.end());
  }
  {
    auto st = store.cached(
        "SELECT given, coalesce(given_on, ''), given_by, legal_basis, nomination_id "
        "FROM family_consent WHERE family_id = ?1 ORDER BY recorded_at DESC, nomination_id DESC "
        "LIMIT 1");
    if (!st) return st.error();
    (*st)->bind(1, family_id);
    auto r = (*st)->step();
    if (!r) return r.error();
    if (*r) {
      d.consent = ConsentRow{(*st)->int64(0) != 0, (*st)->text(1), (*st)->text(2), (*st)->text(3),
                             (*st)->text(4)};
    }
    (*st)->reset();
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
    criteria::Member m;
    m.id = p.id;
    m.name = p.given_name.empty() ? p.id : p.given_name;
    if (auto d = parse_date(p.dob)) m.dob = *d;
    m.role = p.role;
    auto st = store.cached(
        "SELECT resident, relationship FROM nomination_member WHERE person_id = ?1 "
        "ORDER BY nomination_id DESC LIMIT 1");
    if (!st) return st.error();
    (*st)->bind(1, p.id);
    auto r = (*st)->step();
    if (!r) return r.error();
    if (*r) {
      m.resident = (*st)->int64(0) != 0;
      m.relationship = (*st)->text(1);
    }
    (*st)->reset();
    h.members.push_back(std::move(m));
  }
  auto d = family_dossier(store, family_id);
  if (!d) return d.error();
  for (const auto& e : d->evidence) {
    criteria::Evidence ce;
    ce.indicator = e.indicator;
    ce.member = e.person_id;
    if (auto dt = parse_date(e.date)) ce.date = *dt;
    ce.value = e.value;
    ce.source = e.source;
    h.evidence.push_back(std::move(ce));
  }
  return h;
}

}  // namespace sfcohort::nomination
