// The JSON forms of lookup results. They are part of the output contract
// (man/sfcohort-lookup.1), so the key order and the rounding of the score
// are fixed here, in one place, for the batch and the single lookup.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "sfcohort/batch.hpp"

namespace sfcohort {

nlohmann::json why_json(const Why& w) {
  nlohmann::json j = {{"given_name", level_name(w.given_name)},
                      {"surname", level_name(w.surname)},
                      {"dob", level_name(w.dob)},
                      {"postcode", level_name(w.postcode)},
                      {"house", level_name(w.house)}};
  if (w.sex != SexLevel::kMissing) j["sex"] = level_name(w.sex);
  if (w.twin_or_alias) j["note"] = "twin_or_alias";
  if (w.namesake) j["note"] = "namesake";
  return j;
}

nlohmann::json lookup_json(const Query& q, const LookupResult& res) {
  nlohmann::json j;
  j["query"] = {{"given_name", q.given_name},
                {"surname", q.surname},
                {"dob", q.dob},
                {"postcode", q.postcode},
                {"house", q.house}};
  if (!q.sex.empty()) j["query"]["sex"] = q.sex;
  j["warnings"] = res.warnings;
  j["matches"] = nlohmann::json::array();
  for (const auto& m : res.matches) {
    char score[16];
    std::snprintf(score, sizeof score, "%.4f", m.score);
    j["matches"].push_back({{"band", band_name(m.band)},
                            {"score", std::stod(score)},
                            {"family_id", m.person.family_id},
                            {"person_id", m.person.id},
                            {"person",
                             {{"given_name", m.person.given_name},
                              {"middle_names", m.person.middle_names},
                              {"surname", m.person.surname},
                              {"dob", m.person.dob},
                              {"postcode", m.person.postcode},
                              {"house", m.person.house}}},
                            {"why", why_json(m.why)}});
  }
  j["household"] = nlohmann::json::array();
  for (const auto& h : res.household) {
    nlohmann::json hj = {{"family_id", h.family_id},
                         {"why", h.why},
                         {"people", h.people},
                         {"lead_agency", h.lead_agency}};
    hj["similar"] = nlohmann::json::array();
    for (const auto& p : h.similar)
      hj["similar"].push_back({{"person_id", p.id},
                               {"given_name", p.given_name},
                               {"surname", p.surname},
                               {"dob", p.dob}});
    j["household"].push_back(hj);
  }
  j["candidates"] = res.candidates;
  return j;
}

}  // namespace sfcohort
