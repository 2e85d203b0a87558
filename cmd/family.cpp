// sfcohort family: close, reopen and show a family; sfcohort person show.
// The library checks, stores and audits (sfcohort/family.hpp); this file
// parses options and prints.
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "sfcohort/family.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::cli {
namespace {

using nlohmann::ordered_json;

struct FamilyOptions {
  std::string id;
  std::string reason, on, outcome;
  std::string format = "text";
};

Status check_format(const std::string& f) {
  if (f != "text" && f != "json")
    return invalid_input("--format: expected text or json, not '" + f + "'");
  return Ok{};
}

std::string status_word(const std::string& s) { return s == "cohort" ? "active" : s; }

ordered_json person_json(const Person& p) {
  return {{"person_id", p.id},
          {"given_name", p.given_name},
          {"middle_names", p.middle_names},
          {"surname", p.surname},
          {"dob", p.dob},
          {"sex", p.sex},
          {"role", p.role},
          {"postcode", p.postcode},
          {"house", p.house},
          {"address", p.address},
          {"joined_on", p.joined_on ? ordered_json(*p.joined_on) : ordered_json(nullptr)}};
}

ordered_json change_json(const FamilyStatusChange& c) {
  return {{"status", status_word(c.status)},
          {"on", c.on_date},
          {"reason", c.reason},
          {"outcome", c.outcome},
          {"recorded_at", c.recorded_at},
          {"recorded_by", c.recorded_by}};
}

ordered_json evidence_json(const std::vector<family::Evidence>& ev) {
  ordered_json a = ordered_json::array();
  for (const auto& e : ev)
    a.push_back({{"indicator", e.indicator},
                 {"person_id", e.person_id},
                 {"date", e.date},
                 {"value", e.value ? ordered_json(*e.value) : ordered_json(nullptr)},
                 {"source", e.source},
                 {"nomination", e.nomination_id},
                 {"feed", e.feed_id},
                 {"state", e.state}});
  return a;
}

ordered_json nominations_json(const std::vector<family::NominationRef>& ns) {
  ordered_json a = ordered_json::array();
  for (const auto& n : ns)
    a.push_back(
        {{"id", n.id},
         {"status", n.status},
         {"submitted_at", n.submitted_at},
         {"decided_at", n.decided_at ? ordered_json(*n.decided_at) : ordered_json(nullptr)}});
  return a;
}

std::string closed_text(const FamilyStatusChange& c) {
  return "closed on " + c.on_date + " (" + c.reason + ")" +
         (c.outcome.empty() ? "" : ", outcome " + c.outcome);
}

void print_evidence(const std::vector<family::Evidence>& ev) {
  for (const auto& e : ev) {
    std::string v;
    if (e.value) {
      char b[32];
      std::snprintf(b, sizeof b, " = %g", *e.value);
      v = b;
    }
    // Where it came from: the nomination it was typed into, or the feed.
    std::string from = e.feed_id.empty() ? e.nomination_id : "feed " + e.feed_id;
    if (e.state == "review") from += ", a possible match awaiting review";
    std::printf("  %s  %s%s  %s%s  (%s)\n", e.date.c_str(), e.indicator.c_str(), v.c_str(),
                e.person_id.empty() ? "household" : e.person_id.c_str(),
                e.source.empty() ? "" : (", " + e.source).c_str(), from.c_str());
  }
}

void print_nominations(const std::vector<family::NominationRef>& ns) {
  for (const auto& n : ns)
    std::printf("  %s  %s  submitted %s%s\n", n.id.c_str(), n.status.c_str(),
                n.submitted_at.c_str(), n.decided_at ? (", decided " + *n.decided_at).c_str() : "");
}

void print_family(const family::FamilyView& v) {
  const Family& f = v.family;
  std::printf("family %s: %s\n", f.id.c_str(),
              (v.closure ? closed_text(*v.closure) : status_word(f.status)).c_str());
  if (f.joined_on) std::printf("joined: %s\n", f.joined_on->c_str());
  if (!f.lead_agency.empty())
    std::printf("lead: %s%s\n", f.lead_agency.c_str(),
                f.lead_contact.empty() ? "" : (" (" + f.lead_contact + ")").c_str());
  std::printf("members: %zu\n", v.members.size());
  for (const auto& p : v.members)
    std::printf("  %s  %s %s  b. %s  %s  %s %s\n", p.id.c_str(), p.given_name.c_str(),
                to_upper(p.surname).c_str(), p.dob.c_str(), p.role.c_str(), p.house.c_str(),
                p.postcode.c_str());
  std::printf("status history:%s\n", v.history.empty() ? " none recorded" : "");
  for (const auto& c : v.history)
    std::printf("  %s  %s  %s%s  (by %s at %s)\n", c.on_date.c_str(), status_word(c.status).c_str(),
                c.reason.c_str(), c.outcome.empty() ? "" : ("; outcome " + c.outcome).c_str(),
                c.recorded_by.c_str(), c.recorded_at.c_str());
  std::printf("agencies:%s\n", v.agencies.empty() ? " none recorded" : "");
  for (const auto& a : v.agencies)
    std::printf("  %s  %s%s%s\n", a.name.c_str(), a.role.c_str(), a.lead ? " (lead)" : "",
                a.contact.empty() ? "" : ("  " + a.contact).c_str());
  std::printf("nominations:%s\n", v.nominations.empty() ? " none" : "");
  print_nominations(v.nominations);
  std::printf("evidence:%s\n", v.evidence.empty() ? " none recorded" : "");
  print_evidence(v.evidence);
}

ordered_json family_json(const family::FamilyView& v) {
  ordered_json j;
  j["family_id"] = v.family.id;
  j["status"] = status_word(v.family.status);
  j["closed"] = v.closure ? change_json(*v.closure) : ordered_json(nullptr);
  j["joined_on"] = v.family.joined_on ? ordered_json(*v.family.joined_on) : ordered_json(nullptr);
  j["lead_agency"] = v.family.lead_agency;
  j["lead_contact"] = v.family.lead_contact;
  j["members"] = ordered_json::array();
  for (const auto& p : v.members) j["members"].push_back(person_json(p));
  j["history"] = ordered_json::array();
  for (const auto& c : v.history) j["history"].push_back(change_json(c));
  j["agencies"] = ordered_json::array();
  for (const auto& a : v.agencies)
    j["agencies"].push_back(
        {{"name", a.name}, {"role", a.role}, {"contact", a.contact}, {"lead", a.lead}});
  j["nominations"] = nominations_json(v.nominations);
  j["evidence"] = evidence_json(v.evidence);
  return j;
}

Result<int> run_close(const Globals& g, const FamilyOptions& o) {
  auto store = Store::open(g.context("family close"));
  if (!store) return store.error();
  auto c = family::close(*store, o.id, {o.reason, o.on, o.outcome});
  if (!c) return c.error();
  std::printf("family %s closed on %s%s\n", o.id.c_str(), c->on_date.c_str(),
              c->outcome.empty() ? "" : (" (" + c->outcome + ")").c_str());
  return 0;
}

Result<int> run_reopen(const Globals& g, const FamilyOptions& o) {
  auto store = Store::open(g.context("family reopen"));
  if (!store) return store.error();
  auto c = family::reopen(*store, o.id, o.reason);
  if (!c) return c.error();
  std::printf("family %s reopened on %s\n", o.id.c_str(), c->on_date.c_str());
  return 0;
}

Result<int> run_show(const Globals& g, const FamilyOptions& o) {
  SF_TRY(check_format(o.format));
  auto store = Store::open(g.context("family show"));
  if (!store) return store.error();
  auto v = family::show(*store, o.id);
  if (!v) return v.error();
  if (o.format == "json") {
    std::printf("%s\n", family_json(*v).dump(2).c_str());
  } else {
    print_family(*v);
  }
  return 0;
}

Result<int> run_person_show(const Globals& g, const FamilyOptions& o) {
  SF_TRY(check_format(o.format));
  auto store = Store::open(g.context("person show"));
  if (!store) return store.error();
  auto v = family::show_person(*store, o.id);
  if (!v) return v.error();
  const Person& p = v->person;
  if (o.format == "json") {
    ordered_json j = person_json(p);
    j["family_id"] = p.family_id;
    j["family_status"] = status_word(v->family.status);
    j["closed"] = v->closure ? change_json(*v->closure) : ordered_json(nullptr);
    j["nominations"] = nominations_json(v->nominations);
    j["evidence"] = evidence_json(v->evidence);
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("person %s: %s%s%s %s  b. %s  %s%s\n", p.id.c_str(), p.given_name.c_str(),
              p.middle_names.empty() ? "" : " ", p.middle_names.c_str(),
              to_upper(p.surname).c_str(), p.dob.c_str(), p.role.c_str(),
              p.sex.empty() ? "" : (" " + p.sex).c_str());
  const std::string place = p.address.empty() ? p.house : p.address;
  std::printf("address: %s%s%s\n", place.c_str(), place.empty() ? "" : ", ", p.postcode.c_str());
  std::printf("family: %s (%s)\n", p.family_id.c_str(),
              (v->closure ? closed_text(*v->closure) : status_word(v->family.status)).c_str());
  if (p.joined_on) std::printf("joined: %s\n", p.joined_on->c_str());
  std::printf("nominations:%s\n", v->nominations.empty() ? " none" : "");
  print_nominations(v->nominations);
  std::printf("evidence:%s\n", v->evidence.empty() ? " none recorded" : "");
  print_evidence(v->evidence);
  return 0;
}

}  // namespace

void add_family(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<FamilyOptions>();
  CLI::App* fam = app.add_subcommand("family", "close, reopen or show a family");
  fam->require_subcommand(1);
  auto set = [&g, &action, o](Result<int> (*run)(const Globals&, const FamilyOptions&)) {
    return [&g, &action, o, run] { action = [&g, o, run] { return run(g, *o); }; };
  };
  CLI::App* c = fam->add_subcommand("close", "record that a family has left the programme");
  c->add_option("family", o->id, "family id, e.g. F0000001")->required()->type_name("FAMILY");
  c->add_option("--reason", o->reason, "why (kept by the team, never sent to a partner)")
      ->type_name("TEXT");
  c->add_option("--on", o->on, "the date it closed (default today; never in the future)")
      ->type_name("DATE");
  c->add_option("--outcome", o->outcome,
                "outcomes_achieved, stepped_down, moved_away, disengaged or transferred")
      ->type_name("CODE");
  c->callback(set(run_close));
  CLI::App* r = fam->add_subcommand("reopen", "bring a closed family back into the programme");
  r->add_option("family", o->id, "family id")->required()->type_name("FAMILY");
  r->add_option("--reason", o->reason, "why it is reopened")->type_name("TEXT");
  r->callback(set(run_reopen));
  CLI::App* s = fam->add_subcommand(
      "show", "members, status history, lead, agencies, nominations and evidence");
  s->add_option("family", o->id, "family id")->required()->type_name("FAMILY");
  s->add_option("--format", o->format, "text or json")->type_name("FORMAT");
  s->callback(set(run_show));
}

void add_person(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<FamilyOptions>();
  CLI::App* per = app.add_subcommand("person", "show a person of the cohort");
  per->require_subcommand(1);
  CLI::App* s =
      per->add_subcommand("show", "a person, their family's status, nominations and evidence");
  s->add_option("person", o->id, "person id, e.g. P0000001")->required()->type_name("PERSON");
  s->add_option("--format", o->format, "text or json")->type_name("FORMAT");
  s->callback([&g, &action, o] { action = [&g, o] { return run_person_show(g, *o); }; });
}

}  // namespace sfcohort::cli
