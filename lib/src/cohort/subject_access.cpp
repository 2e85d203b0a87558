// The subject access request: the person's record, family, nominations,
// evidence and disclosures, each read by an index (db/subject_rows.hpp), so
// a request is quick however large the cohort and its trail.
#include "sfcohort/subject_access.hpp"

#include "db/person_history.hpp"
#include "db/subject_rows.hpp"
#include "sfcohort/family.hpp"
#include "sfcohort/io.hpp"

namespace sfcohort::subject_access {
namespace {

using OJ = nlohmann::ordered_json;

OJ person_json(const Person& p, const db::RecordTimes& t) {
  return OJ{{"id", p.id},
            {"family_id", p.family_id},
            {"given_name", p.given_name},
            {"middle_names", p.middle_names},
            {"surname", p.surname},
            {"dob", p.dob},
            {"sex", p.sex},
            {"role", p.role},
            {"postcode", p.postcode},
            {"house", p.house},
            {"address", p.address},
            {"joined_on", p.joined_on ? OJ(*p.joined_on) : OJ(nullptr)},
            {"other_fields",
             OJ::parse(p.extra, nullptr, false).is_object() ? OJ::parse(p.extra) : OJ::object()},
            {"first_recorded", t.created_at},
            {"last_changed", t.updated_at}};
}

OJ entry_json(const db::EntryRef& e, bool with_partner) {
  OJ o = {{"seq", e.seq},
          {"at", e.at},
          {"officer", e.actor},
          {"command", e.command},
          {"purpose", e.purpose}};
  if (with_partner) {
    o["what"] = e.subject;  // the input file, the reply, the export
    o["partner"] = e.partner.empty() ? OJ(nullptr) : OJ(e.partner);
  }
  return o;
}

std::string scalar(const OJ& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// Where a piece of evidence came from, for the letter: the nomination it
// was typed into, or the partner's feed (and whether it is only a possible
// match, not yet decided).
std::string evidence_origin(const OJ& e) {
  if (scalar(e["feed"]).empty()) return scalar(e["nomination"]);
  const std::string state = scalar(e["state"]);
  return "feed " + scalar(e["feed"]) +
         (state == "review" ? ", a possible match to you, awaiting review" : "");
}

}  // namespace

Result<OJ> gather(Store& store, const std::string& person_id) {
  auto v = family::person_view(store, person_id);
  if (!v) return v.error();
  auto times = db::person_times(store, person_id);
  if (!times) return times.error();
  auto history = store.family_status_history(v->family.id);
  if (!history) return history.error();
  auto about = db::entries_about(store, {person_id, v->family.id});
  if (!about) return about.error();
  auto disclosed = db::disclosures_of(store, person_id);
  if (!disclosed) return disclosed.error();
  auto changes = db::person_changes(store, person_id);
  if (!changes) return changes.error();
  auto aliases = db::person_aliases(store, person_id);
  if (!aliases) return aliases.error();

  OJ out = OJ::object();
  out["subject"] = person_id;
  out["generated_at"] = Store::now_utc();
  out["person"] = person_json(v->person, times->value_or(db::RecordTimes{}));
  out["person"]["other_ids"] = *aliases;
  OJ changed = OJ::array();
  for (const auto& c : *changes)
    changed.push_back(
        {{"at", c.changed_at}, {"field", c.field}, {"old", c.old_value}, {"new", c.new_value}});
  out["changes"] = changed;
  OJ hist = OJ::array();
  for (const auto& h : *history)
    hist.push_back({{"status", h.status == "cohort" ? "reopened" : h.status},
                    {"on", h.on_date},
                    {"reason", h.reason},
                    {"outcome", h.outcome},
                    {"recorded_at", h.recorded_at},
                    {"recorded_by", h.recorded_by}});
  const Family& f = v->family;
  out["family"] = {{"id", f.id},
                   {"status", f.status},
                   {"joined_on", f.joined_on ? OJ(*f.joined_on) : OJ(nullptr)},
                   {"lead_agency", f.lead_agency},
                   {"lead_contact", f.lead_contact},
                   {"status_history", hist}};
  OJ noms = OJ::array();
  for (const auto& n : v->nominations)
    noms.push_back({{"id", n.id},
                    {"status", n.status},
                    {"submitted_at", n.submitted_at},
                    {"decided_at", n.decided_at ? OJ(*n.decided_at) : OJ(nullptr)}});
  out["nominations"] = noms;
  OJ ev = OJ::array();
  for (const auto& e : v->evidence)
    ev.push_back({{"indicator", e.indicator},
                  {"date", e.date},
                  {"value", e.value ? OJ(*e.value) : OJ(nullptr)},
                  {"source", e.source},
                  {"nomination", e.nomination_id},
                  {"feed", e.feed_id},
                  {"state", e.state}});
  out["evidence"] = ev;
  OJ rec = OJ::array();
  for (const auto& e : *about) rec.push_back(entry_json(e, false));
  out["record_history"] = rec;
  OJ dis = OJ::array();
  for (const auto& e : *disclosed) dis.push_back(entry_json(e, true));
  out["disclosures"] = dis;
  return out;
}

std::string to_text(const OJ& sar) {
  std::string s = "Subject access request: " + scalar(sar["subject"]) + "\n";
  s += "Prepared " + scalar(sar["generated_at"]) + "\n\n";
  s += "Record\n";
  for (const auto& [k, v] : sar["person"].items()) {
    if (k == "other_ids") {
      if (!v.empty()) {
        std::string ids;
        for (const auto& id : v) ids += (ids.empty() ? "" : ", ") + scalar(id);
        s += "  other_ids: " + ids + "\n";
      }
      continue;
    }
    if (k == "other_fields") {
      for (const auto& [ek, evv] : v.items()) s += "  " + ek + ": " + scalar(evv) + "\n";
      continue;
    }
    s += "  " + k + ": " + scalar(v) + "\n";
  }
  const OJ& f = sar["family"];
  s += "\nFamily " + scalar(f["id"]) + "\n";
  for (const char* k : {"status", "joined_on", "lead_agency", "lead_contact"})
    s += std::string("  ") + k + ": " + scalar(f[k]) + "\n";
  for (const auto& h : f["status_history"])
    s += "  " + scalar(h["on"]) + "  " + scalar(h["status"]) +
         (scalar(h["outcome"]).empty() ? "" : " (" + scalar(h["outcome"]) + ")") + ": " +
         scalar(h["reason"]) + "  [recorded by " + scalar(h["recorded_by"]) + "]\n";
  auto section = [&s](const char* title, const OJ& rows, const auto& line) {
    s += std::string("\n") + title + " (" + std::to_string(rows.size()) + ")\n";
    if (rows.empty()) s += "  none\n";
    for (const auto& r : rows) s += "  " + line(r) + "\n";
  };
  section("Changes to the record", sar["changes"], [](const OJ& c) {
    return scalar(c["at"]) + "  " + scalar(c["field"]) + ": '" + scalar(c["old"]) + "' -> '" +
           scalar(c["new"]) + "'";
  });
  section("Nominations", sar["nominations"], [](const OJ& n) {
    return scalar(n["id"]) + "  " + scalar(n["status"]) + "  submitted " +
           scalar(n["submitted_at"]) +
           (n["decided_at"].is_null() ? "" : ", decided " + scalar(n["decided_at"]));
  });
  section("Evidence", sar["evidence"], [](const OJ& e) {
    return scalar(e["date"]) + "  " + scalar(e["indicator"]) +
           (e["value"].is_null() ? "" : " = " + scalar(e["value"])) + "  from " +
           scalar(e["source"]) + " (" + evidence_origin(e) + ")";
  });
  section("Record history", sar["record_history"], [](const OJ& e) {
    return scalar(e["at"]) + "  " + scalar(e["officer"]) + "  " + scalar(e["command"]);
  });
  section("Disclosures", sar["disclosures"], [](const OJ& e) {
    return scalar(e["at"]) + "  " + scalar(e["officer"]) + "  " + scalar(e["command"]) + " (" +
           scalar(e["what"]) + ")  " +
           (e["partner"].is_null() ? "to the officer" : "to " + scalar(e["partner"]));
  });
  return s;
}

Result<Written> write(Store& store, const std::string& person_id, const std::string& format,
                      const std::string& output) {
  if (format != "text" && format != "json")
    return invalid_input("format: '" + format + "' is not text or json");
  auto sar = gather(store, person_id);
  if (!sar) return sar.error();
  const std::string body = format == "json" ? sar->dump(2) + "\n" : to_text(*sar);
  Written w;
  w.disclosures = static_cast<int64_t>((*sar)["disclosures"].size());
  w.bytes = static_cast<int64_t>(body.size());
  auto out = AtomicFile::create(output, 0600);
  if (!out) return out.error();
  const nlohmann::json detail = {{"mode", "sar"},
                                 {"format", format},
                                 {"output", output},
                                 {"disclosures", w.disclosures},
                                 {"nominations", (*sar)["nominations"].size()},
                                 {"evidence", (*sar)["evidence"].size()}};
  const bool streamed = output == "-";
  if (streamed) SF_TRY(store.audit(person_id, detail));
  SF_TRY(out->write(body));
  if (!streamed) SF_TRY(store.audit(person_id, detail));
  SF_TRY(out->commit());
  return w;
}

}  // namespace sfcohort::subject_access
