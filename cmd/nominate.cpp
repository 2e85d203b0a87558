// sfcohort nominate: the nomination workflow — template, submit, list, show,
// decide. The library validates, stores and audits; this file prints.
#include <cstdio>
#include <memory>

#include "check.hpp"
#include "cli.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/nomination.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::cli {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

struct NominateOptions {
  std::string criteria;  // template
  std::string file;      // submit
  std::string as_of;     // submit
  std::string status;    // list
  std::string id;        // show, decide
  std::string format = "text";
  bool accept = false, reject = false;  // decide
  std::string reason;                   // decide
  std::string family;                   // decide
};

Status check_format(const std::string& f) {
  if (f != "text" && f != "json")
    return invalid_input("--format: expected text or json, not '" + f + "'");
  return Ok{};
}

// "Given Surname" of each member, by member id, as the file gave them.
std::map<std::string, std::string> member_names(const nomination::Record& r) {
  std::map<std::string, std::string> names;
  for (const auto& m : r.members) {
    if (!m.id.empty()) names[m.id] = trim(m.given_name + " " + m.surname);
  }
  return names;
}

ordered_json matches_json(const std::vector<nomination::CohortMatch>& ms) {
  ordered_json a = ordered_json::array();
  for (const auto& m : ms) {
    a.push_back({{"member", m.member},
                 {"band", m.band},
                 {"person_id", m.person_id},
                 {"family_id", m.family_id}});
  }
  return a;
}

ordered_json record_json(const nomination::Record& r, bool full) {
  ordered_json j;
  j["id"] = r.id;
  j["status"] = r.status;
  j["submitted_at"] = r.submitted_at;
  j["submitted_by"] = r.submitted_by;
  j["eligible"] = r.eligible;
  j["family_id"] = r.family_id ? ordered_json(*r.family_id) : ordered_json(nullptr);
  if (!full) return j;
  j["criteria_set"] = r.criteria_set;
  j["as_of"] = r.as_of;
  j["criteria_met"] = r.criteria_met;
  j["decided_at"] = r.decided_at ? ordered_json(*r.decided_at) : ordered_json(nullptr);
  j["decided_by"] = r.decided_by ? ordered_json(*r.decided_by) : ordered_json(nullptr);
  j["reason"] = r.reason ? ordered_json(*r.reason) : ordered_json(nullptr);
  j["matches"] = matches_json(r.matches);
  j["check"] = r.result;
  j["nomination"] = r.document_json;
  return j;
}

std::string met_text(const nomination::Record& r) {
  std::string s = r.eligible ? "ELIGIBLE" : "NOT ELIGIBLE";
  if (!r.criteria_met.empty()) {
    s += ", criteria ";
    for (size_t i = 0; i < r.criteria_met.size(); ++i) {
      s += (i ? ", " : "") + std::to_string(r.criteria_met[i]);
    }
    s += " met";
  }
  return s;
}

void print_matches(const std::vector<nomination::CohortMatch>& ms,
                   const std::map<std::string, std::string>& names) {
  for (const auto& m : ms) {
    auto it = names.find(m.member);
    std::printf("already in the cohort: %s (%s) is person %s in family %s (%s)\n",
                it == names.end() ? m.member.c_str() : it->second.c_str(), m.member.c_str(),
                m.person_id.c_str(), m.family_id.c_str(), m.band.c_str());
  }
}

Result<int> run_template(const Globals& g, const NominateOptions& o) {
  Context ctx = g.context("nominate template");
  std::optional<Store> store;
  if (o.criteria.empty() && Store::may_exist(ctx.db_path)) {
    auto s = Store::open(ctx);
    if (!s) return std::move(s).error();
    store.emplace(std::move(*s));
  }
  auto set = nomination::resolve_set(store ? &*store : nullptr, o.criteria);
  if (!set) return std::move(set).error();
  std::printf("%s\n", nomination::template_json(*set).dump(2).c_str());
  return 0;
}

Result<int> run_submit(const Globals& g, const NominateOptions& o) {
  SF_TRY(check_format(o.format));
  std::optional<Date> as_of;
  if (!o.as_of.empty()) {
    auto d = parse_date(o.as_of);
    if (!d) return invalid_input("--as-of: " + d.error().message);
    as_of = *d;
  }
  auto text = read_file(o.file);
  if (!text) return std::move(text).error();
  auto store = Store::open(g.context("nominate submit"));
  if (!store) return std::move(store).error();
  auto r = nomination::submit(*store, *text, o.file, as_of);
  if (!r) return std::move(r).error();
  const nomination::Record& rec = r->record;
  if (o.format == "json") {
    ordered_json j = record_json(rec, false);
    j["criteria_set"] = rec.criteria_set;
    j["as_of"] = rec.as_of;
    j["criteria_met"] = rec.criteria_met;
    j["matches"] = matches_json(rec.matches);
    j["check"] = rec.result;
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  auto set = criteria::CriteriaSet::load(rec.criteria_set);
  std::printf("%s stored (pending)\n", rec.id.c_str());
  std::map<std::string, std::string> short_names;
  auto names = member_names(rec);
  for (const auto& [id, name] : names) short_names[id] = name.substr(0, name.find(' '));
  std::fputs(outcome_text(r->outcome, set ? set->summary() : rec.criteria_set, short_names).c_str(),
             stdout);
  if (rec.matches.empty()) {
    std::printf("no member is in the cohort yet\n");
  } else {
    print_matches(rec.matches, names);
  }
  note(g, "next, for a manager: sfcohort nominate decide " + rec.id +
              " --accept|--reject --reason TEXT");
  return 0;
}

Result<int> run_list(const Globals& g, const NominateOptions& o) {
  SF_TRY(check_format(o.format));
  if (!o.status.empty() && o.status != "pending" && o.status != "accepted" &&
      o.status != "rejected") {
    return invalid_input("--status: expected pending, accepted or rejected, not '" + o.status +
                         "'");
  }
  auto store = Store::open(g.context("nominate list"));
  if (!store) return std::move(store).error();
  auto rs = nomination::list(*store, o.status);
  if (!rs) return std::move(rs).error();
  if (o.format == "json") {
    ordered_json a = ordered_json::array();
    for (const auto& r : *rs) a.push_back(record_json(r, false));
    std::printf("%s\n", a.dump(2).c_str());
    return 0;
  }
  if (rs->empty()) {
    std::printf("no nominations%s\n", o.status.empty() ? "" : (" " + o.status).c_str());
    return 0;
  }
  size_t by = 12;  // BY holds names as typed (--as): as wide as the widest
  for (const auto& r : *rs) by = std::max(by, width(r.submitted_by));
  std::printf("%-8s  %-8s  %-20s  %s  %-12s  %s\n", "ID", "STATUS", "SUBMITTED",
              pad("BY", by).c_str(), "ELIGIBLE", "FAMILY");
  for (const auto& r : *rs) {
    std::printf("%-8s  %-8s  %-20s  %s  %-12s  %s\n", r.id.c_str(), r.status.c_str(),
                r.submitted_at.c_str(), pad(r.submitted_by, by).c_str(),
                r.eligible ? "eligible" : "not eligible", r.family_id.value_or("-").c_str());
  }
  return 0;
}

Result<int> run_show(const Globals& g, const NominateOptions& o) {
  SF_TRY(check_format(o.format));
  auto store = Store::open(g.context("nominate show"));
  if (!store) return std::move(store).error();
  auto r = nomination::show(*store, o.id);
  if (!r) return std::move(r).error();
  if (o.format == "json") {
    std::printf("%s\n", record_json(*r, true).dump(2).c_str());
    return 0;
  }
  std::printf("%s  %s  submitted %s by %s\n", r->id.c_str(), r->status.c_str(),
              r->submitted_at.c_str(), r->submitted_by.c_str());
  if (r->nominated_by) {
    std::printf("nominated by: %s (%s)\n", r->nominated_by->name.c_str(),
                r->nominated_by->agency.c_str());
  }
  std::printf("check: %s as of %s: %s\n", r->criteria_set.c_str(), r->as_of.c_str(),
              met_text(*r).c_str());
  if (!r->members.empty()) std::printf("members:\n");
  for (const auto& m : r->members) {
    std::printf("  %-4s %s %s  b. %s  %s%s\n", m.id.c_str(), m.given_name.c_str(),
                m.surname.c_str(), m.dob.c_str(), m.relationship.c_str(),
                m.resident ? "" : " (not resident)");
  }
  print_matches(r->matches, member_names(*r));
  if (r->decided_at) {
    std::printf("decided: %s on %s by %s: %s\n", r->status.c_str(), r->decided_at->c_str(),
                r->decided_by.value_or("").c_str(), r->reason.value_or("").c_str());
  }
  if (r->family_id) std::printf("family: %s\n", r->family_id->c_str());
  return 0;
}

Result<int> run_decide(const Globals& g, const NominateOptions& o) {
  if (o.accept == o.reject) return invalid_input("decide: give one of --accept or --reject");
  if (trim(o.reason).empty())
    return invalid_input("--reason: say why the nomination is decided so");
  auto store = Store::open(g.context("nominate decide"));
  if (!store) return std::move(store).error();
  if (!o.family.empty()) {
    auto f = store->family(o.family);
    if (!f) return std::move(f).error();
    if (!f->has_value())
      return invalid_input("--family: no family '" + o.family + "' in the cohort");
  }
  nomination::Decision d;
  d.accept = o.accept;
  d.reason = o.reason;
  d.family_id = o.family;
  std::vector<std::string> several;
  auto r = nomination::decide(*store, o.id, d, &several);
  if (!r) {
    Error e = std::move(r).error();
    if (!several.empty()) e.hints = {"choose the family to merge into with --family ID"};
    return e;
  }
  if (r->status == "accepted") {
    std::printf("%s accepted: the household is in the cohort as family %s\n", r->id.c_str(),
                r->family_id.value_or("?").c_str());
  } else {
    std::printf("%s rejected\n", r->id.c_str());
  }
  return 0;
}

}  // namespace

void add_nominate(CLI::App& app, Globals& g, Action& action) {
  auto o = std::make_shared<NominateOptions>();
  CLI::App* nom =
      app.add_subcommand("nominate", "nominate a household: template, submit, list, show, decide");
  nom->require_subcommand(1);
  auto set = [&g, &action, o](Result<int> (*run)(const Globals&, const NominateOptions&)) {
    return [&g, &action, o, run] { action = [&g, o, run] { return run(g, *o); }; };
  };

  CLI::App* t = nom->add_subcommand("template", "print an empty nomination file to fill in");
  t->add_option("--criteria", o->criteria, "criteria set whose indicators to use (name or file)")
      ->type_name("NAME|FILE");
  t->callback(set(run_template));

  CLI::App* s = nom->add_subcommand("submit", "validate, store and check a nomination file");
  s->add_option("file", o->file, "the nomination (JSON)")->required()->type_name("FILE.json");
  s->add_option("--format", o->format, "text or json")->type_name("FORMAT");
  s->add_option("--as-of", o->as_of, "run the check as of this date (default today)")
      ->type_name("DATE");
  s->callback(set(run_submit));

  CLI::App* l = nom->add_subcommand("list", "list nominations, newest first");
  l->add_option("--status", o->status, "pending, accepted or rejected")->type_name("STATUS");
  l->add_option("--format", o->format, "text or json")->type_name("FORMAT");
  l->callback(set(run_list));

  CLI::App* sh = nom->add_subcommand("show", "show one nomination, its check and its matches");
  sh->add_option("id", o->id, "nomination id, e.g. N000001")->required()->type_name("ID");
  sh->add_option("--format", o->format, "text or json")->type_name("FORMAT");
  sh->callback(set(run_show));

  CLI::App* d = nom->add_subcommand("decide", "accept or reject a pending nomination");
  d->add_option("id", o->id, "nomination id")->required()->type_name("ID");
  d->add_flag("--accept", o->accept, "add the household to the cohort (or merge it)");
  d->add_flag("--reject", o->reject, "refuse the nomination");
  d->add_option("--reason", o->reason, "why (recorded with who and when)")
      ->required()
      ->type_name("TEXT");
  d->add_option("--family", o->family, "merge into this cohort family instead of the one matched")
      ->type_name("ID");
  d->callback(set(run_decide));
}

}  // namespace sfcohort::cli
