// What an export reads from the cohort: every person of the families it
// covers, with the family's lead agency, as one flat record each. Reads
// tables `family` and `person`; what goes into an export, and for whom, is
// exchange/'s.
#pragma once

#include <functional>
#include <string>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::db {

struct ExportPerson {
  std::string family_id, person_id;
  std::string given_name, middle_names, surname;
  std::string dob, sex, role;
  std::string postcode, house, address;
  std::string joined_on;  // the person's, else the family's, else ""
  std::string lead_agency, lead_contact;
};

// Calls VISIT for every person in a family whose status is STATUS ("all":
// every family), grouped by family (families in id order, people in the
// order they were stored). Stops at, and returns, the first error VISIT
// returns. Reads only.
Status each_export_person(Store& store, const std::string& status,
                          const std::function<Status(const ExportPerson&)>& visit);

}  // namespace sfcohort::db
