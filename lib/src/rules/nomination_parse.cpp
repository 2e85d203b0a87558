// Reading a nomination file. Every error names the JSON path of the first
// thing wrong, counted from 0, because the person fixing it has the file
// open in an editor; unknown keys are errors so a typo cannot silently drop
// evidence.
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

Status parse_nominator(const json& j, Nomination& n) {
  if (!j.contains("nominated_by")) return invalid_input("nominated_by: missing");
  const json& o = j["nominated_by"];
  SF_TRY(check_object(o, "nominated_by"));
  SF_TRY(json_util::only_keys(o, "nominated_by", {"name", "agency", "email"}));
  SF_TRY(get_name(o, "name", "nominated_by", n.nominated_by.name, true, true));
  SF_TRY(get_str(o, "agency", "nominated_by", n.nominated_by.agency, true, true));
  SF_TRY(get_str(o, "email", "nominated_by", n.nominated_by.email, false));
  return Ok{};
}

Status parse_household(const json& j, Nomination& n) {
  if (!j.contains("household")) return invalid_input("household: missing");
  const json& h = j["household"];
  SF_TRY(check_object(h, "household"));
  SF_TRY(json_util::only_keys(h, "household", {"address"}));
  if (!h.contains("address")) return invalid_input("household.address: missing");
  const json& a = h["address"];
  const std::string ap = "household.address";
  SF_TRY(check_object(a, ap));
  SF_TRY(json_util::only_keys(a, ap, {"house", "street", "town", "postcode"}));
  SF_TRY(get_str(a, "house", ap, n.address.house, false));
  SF_TRY(get_str(a, "street", ap, n.address.street, false));
  SF_TRY(get_str(a, "town", ap, n.address.town, false));
  n.address.house = trim(n.address.house);
  n.address.street = trim(n.address.street);
  n.address.town = trim(n.address.town);
  std::string pc;
  SF_TRY(get_str(a, "postcode", ap, pc, false));
  if (!trim(pc).empty()) {
    auto p = parse_postcode(pc);
    if (!p) return invalid_input(ap + ".postcode: " + p.error().message);
    n.address.postcode = p->unit();
  }
  return Ok{};
}

Status parse_members(const json& j, Nomination& n, const Date& today) {
  if (!j.contains("members")) return invalid_input("members: missing");
  const json& ms = j["members"];
  if (!ms.is_array()) return invalid_input("members: expected an array, not " + type_name(ms));
  if (ms.empty()) return invalid_input("members: the household has no members");
  std::set<std::string> ids;
  for (size_t i = 0; i < ms.size(); ++i) {
    const std::string p = "members[" + std::to_string(i) + "]";
    const json& o = ms[i];
    SF_TRY(check_object(o, p));
    SF_TRY(json_util::only_keys(o, p,
                                {"id", "given_name", "middle_names", "surname", "dob", "sex",
                                 "role", "relationship", "resident"}));
    Member m;
    SF_TRY(get_str(o, "id", p, m.id, true, true));
    m.id = trim(m.id);
    if (!ids.insert(m.id).second)
      return invalid_input(p + ".id: '" + m.id + "' is used by another member");
    SF_TRY(get_name(o, "given_name", p, m.given_name, true, false));
    SF_TRY(get_name(o, "middle_names", p, m.middle_names, false, false));
    SF_TRY(get_name(o, "surname", p, m.surname, true, true));
    SF_TRY(get_date(o, "dob", p, m.dob, true, today));
    std::string sex;
    SF_TRY(get_str(o, "sex", p, sex, false));
    auto s = parse_sex(sex);
    if (!s) return invalid_input(p + ".sex: " + s.error().message);
    m.sex = *s;
    SF_TRY(get_str(o, "role", p, m.role, false));
    m.role = to_lower_ascii(trim(m.role));
    if (m.role.empty()) {
      auto d = parse_date(m.dob);
      m.role = d && age_on(*d, today) < 18 ? "child" : "adult";
    } else if (m.role != "adult" && m.role != "child") {
      return invalid_input(p + ".role: expected adult or child, not '" + m.role + "'");
    }
    SF_TRY(get_str(o, "relationship", p, m.relationship, false));
    m.relationship = trim(m.relationship);
    SF_TRY(get_bool(o, "resident", p, m.resident, false));
    n.members.push_back(std::move(m));
  }
  return Ok{};
}

Status parse_evidence(const json& j, Nomination& n, const Date& today) {
  std::set<std::string> ids;
  for (const auto& m : n.members) ids.insert(m.id);
  if (!j.contains("evidence")) return invalid_input("evidence: missing");
  const json& ev = j["evidence"];
  if (!ev.is_array()) return invalid_input("evidence: expected an array, not " + type_name(ev));
  for (size_t i = 0; i < ev.size(); ++i) {
    const std::string p = "evidence[" + std::to_string(i) + "]";
    const json& o = ev[i];
    SF_TRY(check_object(o, p));
    SF_TRY(json_util::only_keys(o, p, {"indicator", "member", "date", "value", "source"}));
    EvidenceItem e;
    SF_TRY(get_str(o, "indicator", p, e.indicator, true, true));
    e.indicator = trim(e.indicator);
    SF_TRY(get_str(o, "member", p, e.member, false));
    e.member = trim(e.member);
    if (!e.member.empty() && !ids.count(e.member)) {
      return invalid_input(p + ".member: '" + e.member + "' is not the id of a member");
    }
    SF_TRY(get_date(o, "date", p, e.date, true, today));
    if (!e.member.empty()) {
      for (const auto& m : n.members) {
        if (m.id == e.member && e.date < m.dob) {
          return invalid_input(p + ".date: " + e.date + " is before " + m.id +
                               "'s date of birth (" + m.dob + ")");
        }
      }
    }
    if (o.contains("value") && !o["value"].is_null()) {
      if (!o["value"].is_number()) {
        return invalid_input(p + ".value: expected a number, not " + type_name(o["value"]));
      }
      double v = o["value"].get<double>();
      if (!std::isfinite(v)) return invalid_input(p + ".value: not a finite number");
      e.value = v;
    }
    SF_TRY(get_str(o, "source", p, e.source, false));
    n.evidence.push_back(std::move(e));
  }
  return Ok{};
}

Status parse_agencies(const json& j, Nomination& n) {
  if (j.contains("agencies")) {
    const json& as = j["agencies"];
    if (!as.is_array()) return invalid_input("agencies: expected an array, not " + type_name(as));
    int leads = 0;
    for (size_t i = 0; i < as.size(); ++i) {
      const std::string p = "agencies[" + std::to_string(i) + "]";
      const json& o = as[i];
      SF_TRY(check_object(o, p));
      SF_TRY(json_util::only_keys(o, p, {"name", "role", "contact", "lead"}));
      Agency a;
      SF_TRY(get_str(o, "name", p, a.name, true, true));
      a.name = trim(a.name);
      SF_TRY(get_str(o, "role", p, a.role, true, true));
      std::string r = to_lower_ascii(trim(a.role));
      for (char& c : r) {
        if (c == ' ' || c == '-') c = '_';
      }
      if (r != "lead_professional" && r != "keyworker" && r != "involved") {
        return invalid_input(p + ".role: expected lead_professional, keyworker or involved, not '" +
                             a.role + "'");
      }
      a.role = r;
      SF_TRY(get_str(o, "contact", p, a.contact, false));
      SF_TRY(get_bool(o, "lead", p, a.lead, false));
      if (a.lead && ++leads > 1) return invalid_input(p + ".lead: only one agency can be the lead");
      n.agencies.push_back(std::move(a));
    }
  }
  return Ok{};
}

Status parse_consent(const json& j, Nomination& n, const Date& today) {
  if (!j.contains("consent")) return invalid_input("consent: missing");
  const json& c = j["consent"];
  SF_TRY(check_object(c, "consent"));
  SF_TRY(json_util::only_keys(c, "consent", {"given", "date", "by"}));
  SF_TRY(get_bool(c, "given", "consent", n.consent.given, true));
  SF_TRY(get_date(c, "date", "consent", n.consent.date, n.consent.given, today));
  SF_TRY(get_str(c, "by", "consent", n.consent.by, n.consent.given, n.consent.given));
  return Ok{};
}

Status parse_inner(const json& j, Nomination& n, const Date& today) {
  if (!j.is_object())
    return invalid_input("expected a nomination (a JSON object), not " + type_name(j));
  SF_TRY(json_util::only_keys(j, "",
                              {"criteria_set", "nominated_by", "household", "members", "evidence",
                               "agencies", "consent", "legal_basis"}));
  SF_TRY(get_str(j, "criteria_set", "", n.criteria_set, false));
  SF_TRY(parse_nominator(j, n));
  SF_TRY(parse_household(j, n));
  SF_TRY(parse_members(j, n, today));
  SF_TRY(parse_evidence(j, n, today));
  SF_TRY(parse_agencies(j, n));
  SF_TRY(parse_consent(j, n, today));
  SF_TRY(get_str(j, "legal_basis", "", n.legal_basis, true, true));
  return Ok{};
}

}  // namespace

std::string Address::line() const {
  std::string s = house;
  if (!street.empty()) s += (s.empty() ? "" : " ") + street;
  if (!town.empty()) s += (s.empty() ? "" : ", ") + town;
  return s;
}

Result<Nomination> parse(const std::string& text, const std::string& label, const Date& today) {
  auto doc = json_util::parse(text, label);
  if (!doc) return std::move(doc).error();
  Nomination n;
  if (auto s = parse_inner(*doc, n, today); !s) return s.error().with_context(label);
  return n;
}

Status validate_indicators(const Nomination& n, const criteria::CriteriaSet& set,
                           const std::string& label) {
  for (size_t i = 0; i < n.evidence.size(); ++i) {
    const auto& e = n.evidence[i];
    const std::string p = label + ": evidence[" + std::to_string(i) + "]";
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
      return Error(Errc::kInvalidInput, msg,
                   {"'sfcohort criteria show " + set.name() +
                    "' lists its indicators with their codes and descriptions"});
    }
    if (ind->takes_value && !e.value) {
      return invalid_input(p + ".value: missing: " + e.indicator + " takes a value" +
                           (ind->unit.empty() ? "" : " (" + ind->unit + ")"));
    }
    if (!ind->takes_value && e.value) {
      return invalid_input(p + ".value: " + e.indicator + " takes no value");
    }
    if (ind->unit == "%" && e.value && (*e.value < 0 || *e.value > 100)) {
      return invalid_input(p + ".value: " + std::to_string(*e.value).substr(0, 6) +
                           " is not a percentage (0-100)");
    }
  }
  return Ok{};
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
