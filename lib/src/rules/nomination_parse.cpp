// Reading a nomination file. Every error names its JSON path, counted from
// 0, because the person fixing it has the file open in an editor, and every
// error is reported at once; unknown keys are errors so a typo cannot
// silently drop evidence.
#include <algorithm>
#include <cmath>
#include <set>

#include "base/json_util.hpp"
#include "sfcohort/nomination.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::nomination {

using nlohmann::json;

namespace {

std::string type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "true/false";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    case json::value_t::discarded:
      return "nothing";
    default:
      return "a number";
  }
}

// Reads OBJ[KEY] as a string into OUT. REQUIRED: missing is an error;
// NONEMPTY: "" is an error too.
Status get_str(const json& obj, const std::string& key, const std::string& path, std::string& out,
               bool required, bool nonempty = false) {
  const std::string p = json_util::join(path, key);
  if (!obj.contains(key) || obj[key].is_null()) {
    if (required) return invalid_input(p + ": missing");
    return Ok{};
  }
  if (!obj[key].is_string())
    return invalid_input(p + ": expected a string, not " + type_name(obj[key]));
  out = obj[key].get<std::string>();
  if (!is_valid_utf8(out)) return invalid_input(p + ": not valid UTF-8");
  if (nonempty && trim(out).empty()) return invalid_input(p + ": must not be empty");
  return Ok{};
}

Status get_bool(const json& obj, const std::string& key, const std::string& path, bool& out,
                bool required) {
  const std::string p = json_util::join(path, key);
  if (!obj.contains(key)) {
    if (required) return invalid_input(p + ": missing");
    return Ok{};
  }
  if (!obj[key].is_boolean())
    return invalid_input(p + ": expected true or false, not " + type_name(obj[key]));
  out = obj[key].get<bool>();
  return Ok{};
}

Status get_date(const json& obj, const std::string& key, const std::string& path, std::string& out,
                bool required, const Date& today) {
  std::string raw;
  SF_TRY(get_str(obj, key, path, raw, required, required));
  if (raw.empty()) return Ok{};
  const std::string p = json_util::join(path, key);
  auto d = parse_date(trim(raw));
  if (!d) return invalid_input(p + ": " + d.error().message);
  if (*d > today) return invalid_input(p + ": '" + raw + "' is in the future");
  out = d->iso();
  return Ok{};
}

Status get_name(const json& obj, const std::string& key, const std::string& path, std::string& out,
                bool required, bool nonempty) {
  std::string raw;
  SF_TRY(get_str(obj, key, path, raw, required, nonempty));
  auto c = clean_name(raw);
  if (!c) return invalid_input(json_util::join(path, key) + ": " + c.error().message);
  out = *c;
  return Ok{};
}

Status check_object(const json& j, const std::string& path) {
  if (!j.is_object()) return invalid_input(path + ": expected an object, not " + type_name(j));
  return Ok{};
}

void parse_nominator(const json& j, Nomination& n, Problems& ps) {
  if (!j.contains("nominated_by")) return ps.add("nominated_by: missing");
  const json& o = j["nominated_by"];
  if (!ps.ok(check_object(o, "nominated_by"))) return;
  ps.ok(json_util::only_keys(o, "nominated_by", {"name", "agency", "email"}));
  ps.ok(get_name(o, "name", "nominated_by", n.nominated_by.name, true, true));
  ps.ok(get_str(o, "agency", "nominated_by", n.nominated_by.agency, true, true));
  ps.ok(get_str(o, "email", "nominated_by", n.nominated_by.email, false));
}

void parse_household(const json& j, Nomination& n, Problems& ps) {
  if (!j.contains("household")) return ps.add("household: missing");
  const json& h = j["household"];
  if (!ps.ok(check_object(h, "household"))) return;
  ps.ok(json_util::only_keys(h, "household", {"address"}));
  if (!h.contains("address")) return ps.add("household.address: missing");
  const json& a = h["address"];
  const std::string ap = "household.address";
  if (!ps.ok(check_object(a, ap))) return;
  ps.ok(json_util::only_keys(a, ap, {"house", "street", "town", "postcode"}));
  ps.ok(get_str(a, "house", ap, n.address.house, false));
  ps.ok(get_str(a, "street", ap, n.address.street, false));
  ps.ok(get_str(a, "town", ap, n.address.town, false));
  n.address.house = trim(n.address.house);
  n.address.street = trim(n.address.street);
  n.address.town = trim(n.address.town);
  std::string pc;
  ps.ok(get_str(a, "postcode", ap, pc, false));
  if (!trim(pc).empty()) {
    auto p = parse_postcode(pc);
    if (p)
      n.address.postcode = p->unit();
    else
      ps.add(ap + ".postcode: " + p.error().message);
  }
}

void parse_members(const json& j, Nomination& n, const Date& today, Problems& ps) {
  if (!j.contains("members")) return ps.add("members: missing");
  const json& ms = j["members"];
  if (!ms.is_array()) return ps.add("members: expected an array, not " + type_name(ms));
  if (ms.empty()) return ps.add("members: the household has no members");
  std::set<std::string> ids;
  for (size_t i = 0; i < ms.size(); ++i) {
    const std::string p = "members[" + std::to_string(i) + "]";
    const json& o = ms[i];
    if (!ps.ok(check_object(o, p))) continue;
    ps.ok(json_util::only_keys(o, p,
                               {"id", "given_name", "middle_names", "surname", "dob", "sex", "role",
                                "relationship", "resident"}));
    Member m;
    ps.ok(get_str(o, "id", p, m.id, true, true));
    m.id = trim(m.id);
    if (!ids.insert(m.id).second) ps.add(p + ".id: '" + m.id + "' is used by another member");
    ps.ok(get_name(o, "given_name", p, m.given_name, true, false));
    ps.ok(get_name(o, "middle_names", p, m.middle_names, false, false));
    ps.ok(get_name(o, "surname", p, m.surname, true, true));
    ps.ok(get_date(o, "dob", p, m.dob, true, today));
    std::string sex;
    ps.ok(get_str(o, "sex", p, sex, false));
    auto s = parse_sex(sex);
    if (s)
      m.sex = *s;
    else
      ps.add(p + ".sex: " + s.error().message);
    ps.ok(get_str(o, "role", p, m.role, false));
    m.role = to_lower_ascii(trim(m.role));
    if (m.role.empty()) {
      auto d = parse_date(m.dob);
      m.role = d && age_on(*d, today) < 18 ? "child" : "adult";
    } else if (m.role != "adult" && m.role != "child") {
      ps.add(p + ".role: expected adult or child, not '" + m.role + "'");
    }
    ps.ok(get_str(o, "relationship", p, m.relationship, false));
    m.relationship = trim(m.relationship);
    ps.ok(get_bool(o, "resident", p, m.resident, false));
    n.members.push_back(std::move(m));
  }
}

void parse_evidence(const json& j, Nomination& n, const Date& today, Problems& ps) {
  std::set<std::string> ids;
  for (const auto& m : n.members) ids.insert(m.id);
  if (!j.contains("evidence")) return ps.add("evidence: missing");
  const json& ev = j["evidence"];
  if (!ev.is_array()) return ps.add("evidence: expected an array, not " + type_name(ev));
  for (size_t i = 0; i < ev.size(); ++i) {
    const std::string p = "evidence[" + std::to_string(i) + "]";
    const json& o = ev[i];
    if (!ps.ok(check_object(o, p))) continue;
    ps.ok(json_util::only_keys(o, p, {"indicator", "member", "date", "value", "source"}));
    EvidenceItem e;
    ps.ok(get_str(o, "indicator", p, e.indicator, true, true));
    e.indicator = trim(e.indicator);
    ps.ok(get_str(o, "member", p, e.member, false));
    e.member = trim(e.member);
    if (!e.member.empty() && !ids.count(e.member)) {
      ps.add(p + ".member: '" + e.member + "' is not the id of a member");
    }
    ps.ok(get_date(o, "date", p, e.date, true, today));
    if (!e.member.empty()) {
      for (const auto& m : n.members) {
        if (m.id == e.member && e.date < m.dob) {
          ps.add(p + ".date: " + e.date + " is before " + m.id + "'s date of birth (" + m.dob +
                 ")");
        }
      }
    }
    if (o.contains("value") && !o["value"].is_null()) {
      if (!o["value"].is_number()) {
        ps.add(p + ".value: expected a number, not " + type_name(o["value"]));
      } else if (const double v = o["value"].get<double>(); !std::isfinite(v)) {
        ps.add(p + ".value: not a finite number");
      } else {
        e.value = v;
      }
    }
    ps.ok(get_str(o, "source", p, e.source, false));
    n.evidence.push_back(std::move(e));
  }
}

void parse_agencies(const json& j, Nomination& n, Problems& ps) {
  if (j.contains("agencies")) {
    const json& as = j["agencies"];
    if (!as.is_array()) return ps.add("agencies: expected an array, not " + type_name(as));
    int leads = 0;
    for (size_t i = 0; i < as.size(); ++i) {
      const std::string p = "agencies[" + std::to_string(i) + "]";
      const json& o = as[i];
      if (!ps.ok(check_object(o, p))) continue;
      ps.ok(json_util::only_keys(o, p, {"name", "role", "contact", "lead"}));
      Agency a;
      ps.ok(get_str(o, "name", p, a.name, true, true));
      a.name = trim(a.name);
      ps.ok(get_str(o, "role", p, a.role, true, true));
      std::string r = to_lower_ascii(trim(a.role));
      for (char& c : r) {
        if (c == ' ' || c == '-') c = '_';
      }
      if (r != "lead_professional" && r != "keyworker" && r != "involved") {
        ps.add(p + ".role: expected lead_professional, keyworker or involved, not '" + a.role +
               "'");
      }
      a.role = r;
      ps.ok(get_str(o, "contact", p, a.contact, false));
      ps.ok(get_bool(o, "lead", p, a.lead, false));
      if (a.lead && ++leads > 1) ps.add(p + ".lead: only one agency can be the lead");
      n.agencies.push_back(std::move(a));
    }
  }
}

void parse_consent(const json& j, Nomination& n, const Date& today, Problems& ps) {
  if (!j.contains("consent")) return ps.add("consent: missing");
  const json& c = j["consent"];
  if (!ps.ok(check_object(c, "consent"))) return;
  ps.ok(json_util::only_keys(c, "consent", {"given", "date", "by"}));
  ps.ok(get_bool(c, "given", "consent", n.consent.given, true));
  ps.ok(get_date(c, "date", "consent", n.consent.date, n.consent.given, today));
  ps.ok(get_str(c, "by", "consent", n.consent.by, n.consent.given, n.consent.given));
}

// Parses J into N, noting every error in PS: a section that cannot be read
// (missing, or not the type it must be) is skipped, and the others are still
// read, so a file's errors are reported together.
void parse_inner(const json& j, Nomination& n, const Date& today, Problems& ps) {
  if (!j.is_object()) return ps.add("expected a nomination (a JSON object), not " + type_name(j));
  ps.ok(json_util::only_keys(j, "",
                             {"criteria_set", "nominated_by", "household", "members", "evidence",
                              "agencies", "consent", "legal_basis"}));
  ps.ok(get_str(j, "criteria_set", "", n.criteria_set, false));
  parse_nominator(j, n, ps);
  parse_household(j, n, ps);
  parse_members(j, n, today, ps);
  parse_evidence(j, n, today, ps);
  parse_agencies(j, n, ps);
  parse_consent(j, n, today, ps);
  ps.ok(get_str(j, "legal_basis", "", n.legal_basis, true, true));
}

}  // namespace

std::string Address::line() const {
  std::string s = house;
  if (!street.empty()) s += (s.empty() ? "" : " ") + street;
  if (!town.empty()) s += (s.empty() ? "" : ", ") + town;
  return s;
}

bool Problems::ok(const Status& s) {
  if (!s) found.push_back(s.error());
  return s.has_value();
}

void Problems::add(std::string message) { found.push_back(invalid_input(std::move(message))); }

Status Problems::status(const std::string& label) const {
  if (found.empty()) return Ok{};
  Error e = found.front().with_context(label);
  e.code = Errc::kInvalidInput;
  std::set<std::string> seen(e.hints.begin(), e.hints.end());
  for (size_t i = 1; i < found.size(); ++i) {
    e.more.push_back(label + ": " + found[i].message);
    for (const auto& h : found[i].hints) {
      if (seen.insert(h).second) e.hints.push_back(h);
    }
  }
  return e;
}

void parse_into(const std::string& text, const Date& today, Nomination& n, Problems& ps) {
  auto doc = json_util::parse(text, "");
  if (!doc) {
    // The syntax error names its line and column; nothing else can be read.
    Error e = std::move(doc).error();
    if (e.message.rfind(": ", 0) == 0) e.message.erase(0, 2);
    ps.found.push_back(std::move(e));
    return;
  }
  parse_inner(*doc, n, today, ps);
}

Result<Nomination> parse(const std::string& text, const std::string& label, const Date& today) {
  Nomination n;
  Problems ps;
  parse_into(text, today, n, ps);
  SF_TRY(ps.status(label));
  return n;
}

void check_indicators(const Nomination& n, const criteria::CriteriaSet& set, Problems& ps) {
  for (size_t i = 0; i < n.evidence.size(); ++i) {
    const auto& e = n.evidence[i];
    const std::string p = "evidence[" + std::to_string(i) + "]";
    // An item already in error (a value that is not a number) is not
    // reported twice.
    const bool noted = std::any_of(ps.found.begin(), ps.found.end(), [&p](const Error& f) {
      return f.message.rfind(p + ".", 0) == 0;
    });
    if (noted) continue;
    const criteria::Indicator* ind = set.indicator(e.indicator);
    if (!ind) {
      auto near = set.nearest(e.indicator);
      std::string msg = p + ".indicator: unknown indicator '" + e.indicator + "'";
      if (!near.empty()) {
        msg += " (did you mean ";
        for (size_t k = 0; k < near.size(); ++k) {
          msg += (k == 0 ? "" : k + 1 == near.size() ? " or " : ", ") + near[k];
        }
        msg += "?)";
      }
      ps.found.push_back(
          Error(Errc::kInvalidInput, msg,
                {"the indicators of " + set.name() + ": sfcohort criteria show " + set.name()}));
    } else if (ind->takes_value && !e.value) {
      ps.add(p + ".value: missing: " + e.indicator + " takes a value" +
             (ind->unit.empty() ? "" : " (" + ind->unit + ")"));
    } else if (!ind->takes_value && e.value) {
      ps.add(p + ".value: " + e.indicator + " takes no value");
    } else if (ind->unit == "%" && e.value && (*e.value < 0 || *e.value > 100)) {
      ps.add(p + ".value: " + std::to_string(*e.value).substr(0, 6) +
             " is not a percentage (0-100)");
    }
  }
}

Status validate_indicators(const Nomination& n, const criteria::CriteriaSet& set,
                           const std::string& label) {
  Problems ps;
  check_indicators(n, set, ps);
  return ps.status(label);
}

criteria::Household to_household(const Nomination& n) {
  criteria::Household h;
  for (const auto& m : n.members) {
    criteria::Member cm;
    cm.id = m.id;
    cm.name = m.given_name.empty() ? m.id : m.given_name;
    if (auto d = parse_date(m.dob)) cm.dob = *d;
    cm.role = m.role;
    cm.relationship = m.relationship;
    cm.resident = m.resident;
    h.members.push_back(std::move(cm));
  }
  for (const auto& e : n.evidence) {
    criteria::Evidence ce;
    ce.indicator = e.indicator;
    ce.member = e.member;
    if (auto d = parse_date(e.date)) ce.date = *d;
    ce.value = e.value;
    ce.source = e.source;
    h.evidence.push_back(std::move(ce));
  }
  return h;
}

nlohmann::ordered_json template_json(const criteria::CriteriaSet& set) {
  // The contract's example, with evidence drawn from the set's own
  // vocabulary so the template always validates against it.
  using oj = nlohmann::ordered_json;
  oj t = oj::object();
  t["criteria_set"] = set.name();
  t["nominated_by"] = {{"name", "A Officer"},
                       {"agency", "Huddersfield High School"},
                       {"email", "a.officer@example.org"}};
  t["household"] = {{"address",
                     {{"house", "12"},
                      {"street", "Example Street"},
                      {"town", "Huddersfield"},
                      {"postcode", "HD1 2AB"}}}};
  // Ages relative to today, so the example child is still a child.
  const std::string today = Store::today();
  const int year = std::stoi(today.substr(0, 4));
  const std::string mum = std::to_string(year - 38) + "-04-02",
                    son = std::to_string(year - 10) + "-09-12";
  t["members"] = oj::array({{{"id", "m1"},
                             {"given_name", "Sarah"},
                             {"middle_names", ""},
                             {"surname", "Hirst"},
                             {"dob", mum},
                             {"sex", "F"},
                             {"role", "adult"},
                             {"relationship", "mother"}},
                            {{"id", "c1"},
                             {"given_name", "Liam"},
                             {"surname", "Hirst"},
                             {"dob", son},
                             {"sex", "M"},
                             {"role", "child"},
                             {"relationship", "son"}}});
  oj ev = oj::array();
  auto add = [&](const std::string& code, const std::string& member, const std::string& source) {
    const criteria::Indicator* ind = set.indicator(code);
    if (!ind) return;
    oj e = {{"indicator", code}, {"member", member}, {"date", today}};
    if (ind->takes_value) e["value"] = ind->unit == "%" ? oj(84.5) : oj(1);
    e["source"] = source;
    ev.push_back(e);
  };
  add("school_attendance_pct", "c1", "Education");
  add("dv_police_callout", "m1", "West Yorkshire Police");
  if (ev.empty()) {
    for (const auto& ind : set.indicators()) {
      add(ind.code, "m1", "Agency");
      if (ev.size() == 2) break;
    }
  }
  t["evidence"] = ev;
  t["agencies"] = oj::array({{{"name", "Family Intervention Project"},
                              {"role", "keyworker"},
                              {"contact", "01484 000000"},
                              {"lead", true}}});
  t["consent"] = {{"given", true}, {"date", today}, {"by", "Sarah Hirst"}};
  t["legal_basis"] = "UK GDPR Art 6(1)(e); Art 9(2)(g); Children Act 2004 s10";
  return t;
}

}  // namespace sfcohort::nomination
