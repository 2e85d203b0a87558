// Nomination files: what is refused (with the JSON path of the first thing
// wrong) and the stored workflow against an in-memory database.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "db/sqlite.hpp"
#include "db/store_access.hpp"
#include "fixtures.hpp"
#include "sfcohort/nomination.hpp"

using namespace sfcohort;
using nlohmann::json;

namespace {

const char* kGood = R"({
  "criteria_set": "kirklees-2015",
  "nominated_by": {"name": "A Officer", "agency": "Huddersfield High School", "email": "a.officer@example.org"},
  "household": {"address": {"house": "12", "street": "Example Street", "town": "Huddersfield", "postcode": "hd12ab"}},
  "members": [
    {"id": "m1", "given_name": "Sarah", "middle_names": "", "surname": "Hirst", "dob": "02/04/1985",
     "sex": "f", "role": "adult", "relationship": "mother"},
    {"id": "c1", "given_name": "Liam", "surname": "Hirst", "dob": "2008-09-12", "sex": "M",
     "role": "child", "relationship": "son"}
  ],
  "evidence": [
    {"indicator": "school_attendance_pct", "member": "c1", "date": "2018-03-31", "value": 84.5, "source": "Education"},
    {"indicator": "dv_police_callout", "member": "m1", "date": "2018-02-14", "source": "West Yorkshire Police"}
  ],
  "agencies": [{"name": "Family Intervention Project", "role": "keyworker", "contact": "01484 000000", "lead": true}],
  "consent": {"given": true, "date": "2018-04-20", "by": "Sarah Hirst"},
  "legal_basis": "UK GDPR Art 6(1)(e); Art 9(2)(g); Children Act 2004 s10"
})";

Date today() { return *parse_date("2018-05-01"); }

// kGood with PATCH applied: each key of PATCH replaces the top-level key.
std::string patched(const std::function<void(json&)>& patch) {
  json j = json::parse(kGood);
  patch(j);
  return j.dump();
}

Store memory_store() { return testing::memory_store("nominate"); }

int64_t count(Store& s, const char* table) { return testing::count_rows(s, table); }

}  // namespace

TEST_CASE("nomination: a good file is read and normalised") {
  auto n = nomination::parse(kGood, "n.json", today());
  REQUIRE_MESSAGE(n.has_value(), (n ? "" : n.error().message));
  CHECK(n->address.postcode == "HD1 2AB");
  CHECK(n->address.line() == "12 Example Street, Huddersfield");
  REQUIRE(n->members.size() == 2);
  CHECK(n->members[0].dob == "1985-04-02");
  CHECK(n->members[0].sex == "F");
  CHECK(n->evidence[0].value == 84.5);
  CHECK(!n->evidence[1].value);
  CHECK(n->agencies[0].lead);
  CHECK(n->consent.given);
  auto set = criteria::CriteriaSet::load("kirklees-2015");
  REQUIRE(set.has_value());
  CHECK(nomination::validate_indicators(*n, *set, "n.json").has_value());
  auto o = set->evaluate(nomination::to_household(*n), today());
  CHECK(o.eligible);
  CHECK(o.met == std::vector<int>{2, 5});
  auto j = nomination::outcome_json(o);
  CHECK(j["criteria_set"] == "kirklees-2015");
  CHECK(j["as_of"] == "2018-05-01");
  CHECK(j["threshold"] == 2);
  CHECK(j["eligible"] == true);
  CHECK(j["criteria"][1]["because"][0]["member"] == "c1");
}

TEST_CASE("nomination: bad files are refused naming the JSON path") {
  struct Bad {
    const char* what;
    std::function<void(json&)> patch;
    const char* message;
  } bad[] = {
      {"impossible date", [](json& j) { j["members"][1]["dob"] = "31/02/2010"; },
       "n.json: members[1].dob: '31/02/2010' is not a date"},
      {"month-first date", [](json& j) { j["evidence"][0]["date"] = "2018-13-01"; },
       "n.json: evidence[0].date: '2018-13-01' is not a date"},
      {"future date", [](json& j) { j["members"][1]["dob"] = "2019-01-01"; },
       "n.json: members[1].dob: '2019-01-01' is in the future"},
      {"evidence before birth", [](json& j) { j["evidence"][0]["date"] = "2008-09-11"; },
       "n.json: evidence[0].date: 2008-09-11 is before c1's date of birth (2008-09-12)"},
      {"wrong type", [](json& j) { j["evidence"][0]["value"] = "84.5"; },
       "n.json: evidence[0].value: expected a number, not a string"},
      {"wrong type 2", [](json& j) { j["members"][0]["surname"] = 7; },
       "n.json: members[0].surname: expected a string, not a number"},
      {"empty household", [](json& j) { j["members"] = json::array(); },
       "n.json: members: the household has no members"},
      {"unknown key", [](json& j) { j["evidence"][1]["sorce"] = "Police"; },
       "n.json: evidence[1].sorce: unknown key 'sorce'"},
      {"unknown top-level key", [](json& j) { j["notes"] = "x"; },
       "n.json: notes: unknown key 'notes'"},
      {"unknown member", [](json& j) { j["evidence"][1]["member"] = "m2"; },
       "n.json: evidence[1].member: 'm2' is not the id of a member"},
      {"duplicate member", [](json& j) { j["members"][1]["id"] = "m1"; },
       "n.json: members[1].id: 'm1' is used by another member"},
      {"bad postcode", [](json& j) { j["household"]["address"]["postcode"] = "HD1 2CC"; },
       "n.json: household.address.postcode: 'HD1 2CC' is not a valid UK postcode"},
      {"bad role", [](json& j) { j["members"][0]["role"] = "parent"; },
       "n.json: members[0].role: expected adult or child, not 'parent'"},
      {"bad agency role", [](json& j) { j["agencies"][0]["role"] = "boss"; },
       "n.json: agencies[0].role: expected lead_professional, keyworker or involved, not 'boss'"},
      {"no consent", [](json& j) { j.erase("consent"); }, "n.json: consent: missing"},
      {"consent without a date", [](json& j) { j["consent"].erase("date"); },
       "n.json: consent.date: missing"},
      {"no legal basis", [](json& j) { j["legal_basis"] = " "; },
       "n.json: legal_basis: must not be empty"},
      {"members not an array", [](json& j) { j["members"] = json::object(); },
       "n.json: members: expected an array, not an object"},
  };
  for (const auto& b : bad) {
    CAPTURE(b.what);
    auto n = nomination::parse(patched(b.patch), "n.json", today());
    REQUIRE(!n);
    CHECK(n.error().code == Errc::kInvalidInput);
    CHECK(n.error().message == b.message);
  }
  auto syntax =
      nomination::parse("{\n  \"members\": [\n    {\"id\": \"m1\",}\n  ]\n}", "n.json", today());
  REQUIRE(!syntax);
  CHECK(syntax.error().message.rfind("n.json: not valid JSON at line 3, column", 0) == 0);
  auto empty = nomination::parse("", "n.json", today());
  REQUIRE(!empty);
  CHECK(empty.error().message == "n.json: empty file, expected JSON");
  auto array = nomination::parse("[]", "n.json", today());
  REQUIRE(!array);
  CHECK(array.error().message == "n.json: expected a nomination (a JSON object), not an array");
}

TEST_CASE("nomination: every error of a file is reported at once, in file order") {
  auto n = nomination::parse(patched([](json& j) {
                               j["members"][1]["dob"] = "31/02/2010";
                               j["members"][0]["nickname"] = "Sal";
                               j["evidence"][0]["value"] = "86.2";
                               j.erase("consent");
                             }),
                             "n.json", today());
  REQUIRE(!n);
  CHECK(n.error().code == Errc::kInvalidInput);
  CHECK(n.error().message == "n.json: members[0].nickname: unknown key 'nickname'");
  REQUIRE(n.error().more.size() == 3);
  CHECK(n.error().more[0] == "n.json: members[1].dob: '31/02/2010' is not a date");
  CHECK(n.error().more[1] == "n.json: evidence[0].value: expected a number, not a string");
  CHECK(n.error().more[2] == "n.json: consent: missing");
  // The evidence of the items that could be read is still checked, once each.
  nomination::Nomination partial;
  nomination::Problems ps;
  nomination::parse_into(patched([](json& j) {
                           j["evidence"][0]["value"] = "86.2";
                           j["evidence"][1]["indicator"] = "dv_callout";
                         }),
                         today(), partial, ps);
  auto set = criteria::CriteriaSet::load("kirklees-2015");
  REQUIRE(set.has_value());
  nomination::check_indicators(partial, *set, ps);
  REQUIRE(ps.found.size() == 2);
  CHECK(ps.found[1].message.rfind("evidence[1].indicator: unknown indicator 'dv_callout'", 0) == 0);
}

TEST_CASE("nomination: unknown indicators name the nearest codes; values where they belong") {
  auto set = criteria::CriteriaSet::load("kirklees-2015");
  REQUIRE(set.has_value());
  auto check = [&](const std::function<void(json&)>& patch) {
    auto n = nomination::parse(patched(patch), "n.json", today());
    REQUIRE(n.has_value());
    return nomination::validate_indicators(*n, *set, "n.json");
  };
  auto typo = check([](json& j) { j["evidence"][0]["indicator"] = "school_atendance_pct"; });
  REQUIRE(!typo);
  CHECK(typo.error().code == Errc::kInvalidInput);
  CHECK(typo.error().message ==
        "n.json: evidence[0].indicator: unknown indicator 'school_atendance_pct' (did you mean "
        "school_attendance_pct?)");
  auto no_value = check([](json& j) { j["evidence"][0].erase("value"); });
  REQUIRE(!no_value);
  CHECK(no_value.error().message ==
        "n.json: evidence[0].value: missing: school_attendance_pct takes a value (%)");
  auto extra = check([](json& j) { j["evidence"][1]["value"] = 2; });
  REQUIRE(!extra);
  CHECK(extra.error().message == "n.json: evidence[1].value: dv_police_callout takes no value");
  auto pct = check([](json& j) { j["evidence"][0]["value"] = 845; });
  REQUIRE(!pct);
  CHECK(pct.error().message.find("is not a percentage") != std::string::npos);
}

TEST_CASE("nomination: the template validates against its own set") {
  for (const auto& name : criteria::CriteriaSet::shipped()) {
    CAPTURE(name);
    auto set = criteria::CriteriaSet::load(name);
    REQUIRE(set.has_value());
    auto t = nomination::template_json(*set).dump();
    auto n = nomination::parse(t, "t.json", *parse_date(Store::today()));
    REQUIRE_MESSAGE(n.has_value(), (n ? "" : n.error().message));
    CHECK(n->criteria_set == name);
    CHECK(nomination::validate_indicators(*n, *set, "t.json").has_value());
  }
}

TEST_CASE("nomination: submit, list, show and decide against the real schema") {
  Store s = memory_store();
  const Date as_of = today();
  SUBCASE("a refused nomination stores nothing") {
    auto r = nomination::submit(
        s, patched([](json& j) { j["evidence"][0]["indicator"] = "attendance"; }), "n.json", as_of);
    REQUIRE(!r);
    CHECK(r.error().code == Errc::kInvalidInput);
    CHECK(count(s, "nomination") == 0);
    CHECK(count(s, "nomination_member") == 0);
    CHECK(count(s, "audit") == 0);
  }
  SUBCASE("accepting adds a new family with its evidence, agencies and consent") {
    auto r = nomination::submit(s, kGood, "n.json", as_of);
    REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().message));
    CHECK(r->record.id == "N000001");
    CHECK(r->record.status == "pending");
    CHECK(r->record.eligible);
    CHECK(r->record.criteria_met == std::vector<int>{2, 5});
    CHECK(r->record.matches.empty());
    CHECK(count(s, "audit") == 1);
    auto l = nomination::list(s, "pending");
    REQUIRE(l.has_value());
    REQUIRE(l->size() == 1);
    CHECK((*l)[0].submitted_by == "tester");
    CHECK(!nomination::list(s, "maybe").has_value());

    auto no_reason = nomination::decide(s, "N000001", {true, "  ", ""});
    REQUIRE(!no_reason);
    auto d = nomination::decide(s, "N000001", {true, "meets criteria 2 and 5", ""});
    REQUIRE_MESSAGE(d.has_value(), (d ? "" : d.error().message));
    CHECK(d->status == "accepted");
    REQUIRE(d->family_id);
    auto fam = s.family(*d->family_id);
    REQUIRE(fam.has_value());
    REQUIRE(fam->has_value());
    CHECK((*fam)->status == "cohort");
    CHECK((*fam)->lead_agency == "Family Intervention Project");
    CHECK((*fam)->lead_contact == "01484 000000");
    auto people = s.family_members(*d->family_id);
    REQUIRE(people.has_value());
    REQUIRE(people->size() == 2);
    CHECK((*people)[0].given_name == "Sarah");
    CHECK((*people)[0].postcode == "HD1 2AB");
    CHECK((*people)[1].role == "child");

    auto dossier = nomination::family_dossier(s, *d->family_id);
    REQUIRE(dossier.has_value());
    CHECK(dossier->criteria_set == "kirklees-2015");
    CHECK(dossier->criteria_met == std::vector<int>{2, 5});
    REQUIRE(dossier->evidence.size() == 2);
    CHECK(dossier->evidence[0].indicator == "dv_police_callout");  // by date
    CHECK(dossier->evidence[0].person_id == (*people)[0].id);
    CHECK(dossier->evidence[1].value == 84.5);
    REQUIRE(dossier->agencies.size() == 1);
    CHECK(dossier->agencies[0].lead);
    REQUIRE(dossier->consent);
    CHECK(dossier->consent->given);
    CHECK(dossier->consent->date == "2018-04-20");
    CHECK(dossier->consent->legal_basis.find("Art 9(2)(g)") != std::string::npos);

    // The family in the database checks the same as the file did.
    auto h = nomination::family_household(s, *d->family_id);
    REQUIRE(h.has_value());
    auto set = criteria::CriteriaSet::load("kirklees-2015");
    REQUIRE(set.has_value());
    CHECK(set->evaluate(*h, as_of).met == std::vector<int>{2, 5});

    // A decision stands.
    auto again = nomination::decide(s, "N000001", {false, "changed my mind", ""});
    REQUIRE(!again);
    CHECK(again.error().code == Errc::kInvalidInput);

    // The same household nominated again is found in the cohort and merged.
    std::string third = patched([](json& j) {
      j["members"].push_back({{"id", "c2"},
                              {"given_name", "Kai"},
                              {"surname", "Hirst"},
                              {"dob", "2017-01-01"},
                              {"role", "child"},
                              {"relationship", "son"}});
      j["agencies"] = json::array();
    });
    auto r2 = nomination::submit(s, third, "n2.json", as_of);
    REQUIRE(r2.has_value());
    CHECK(r2->record.id == "N000002");
    CHECK(r2->record.matches.size() == 2);
    CHECK(r2->record.family_id == d->family_id);
    auto shown = nomination::show(s, "N000002");
    REQUIRE(shown.has_value());
    CHECK(shown->matches.size() == 2);
    // The document comes back for display, so the command needs no parse.
    REQUIRE(shown->nominated_by.has_value());
    CHECK(!shown->nominated_by->name.empty());
    CHECK(!shown->members.empty());
    CHECK(shown->document_json.is_object());
    auto d2 = nomination::decide(s, "N000002", {true, "a new baby brother", ""});
    REQUIRE(d2.has_value());
    CHECK(d2->family_id == d->family_id);
    auto after = s.family_members(*d->family_id);
    REQUIRE(after.has_value());
    CHECK(after->size() == 3);
    CHECK(count(s, "family") == 1);
    // The lead agency stays when the new nomination names none.
    CHECK((*s.family(*d->family_id))->lead_agency == "Family Intervention Project");
  }
  SUBCASE("rejecting records who, when and why and adds nobody") {
    REQUIRE(nomination::submit(s, kGood, "n.json", as_of).has_value());
    auto d = nomination::decide(s, "N000001", {false, "already known to social care", ""});
    REQUIRE(d.has_value());
    CHECK(d->status == "rejected");
    CHECK(d->decided_by == "tester");
    CHECK(d->reason == "already known to social care");
    CHECK(count(s, "person") == 0);
    CHECK(count(s, "family_evidence") == 0);
    CHECK(!nomination::show(s, "N000009").has_value());
  }
}

TEST_CASE("nomination: the database's default criteria set") {
  Store s = memory_store();
  auto d = nomination::resolve_set(&s, "");
  REQUIRE(d.has_value());
  CHECK(d->name() == "kirklees-2015");
  CHECK(!nomination::set_default_set(s, "kirklees-2051").has_value());
  REQUIRE(nomination::set_default_set(s, "supporting-families-2022").has_value());
  CHECK(nomination::resolve_set(&s, "")->name() == "supporting-families-2022");
  CHECK(nomination::resolve_set(&s, "troubled-families-2015")->name() == "troubled-families-2015");
  CHECK(nomination::resolve_set(nullptr, "")->name() == "kirklees-2015");
  // A nomination that names no set is checked against the default.
  auto r =
      nomination::submit(s, patched([](json& j) { j.erase("criteria_set"); }), "n.json", today());
  REQUIRE(r.has_value());
  CHECK(r->record.criteria_set == "supporting-families-2022");
}

TEST_CASE("nomination: the per-family queries export runs use their indexes") {
  Store s = memory_store();
  struct Q {
    const char* sql;
    const char* index;
  } qs[] = {
      {"SELECT indicator FROM family_evidence WHERE family_id = ?1 ORDER BY date, pk",
       "family_evidence_family"},
      {"SELECT name FROM family_agency WHERE family_id = ?1 ORDER BY pk DESC",
       "family_agency_family"},
      {"SELECT given FROM family_consent WHERE family_id = ?1 ORDER BY recorded_at DESC",
       "family_consent_family"},
      {"SELECT criteria_set FROM nomination WHERE family_id = ?1 AND status = 'accepted'",
       "nomination_family"},
      {"SELECT resident FROM nomination_member WHERE person_id = ?1", "nomination_member_person"},
  };
  for (const auto& q : qs) {
    CAPTURE(q.sql);
    const std::string plan = testing::query_plan(s, q.sql);
    CHECK(plan.find(q.index) != std::string::npos);
    CHECK(plan.find("SCAN") == std::string::npos);
  }
}
