// The cohort as a table for partners: one row per person, in the field
// profile the partner may receive. `basic`: who and where the person is, the
// family id and the lead agency's contact. `full` adds the criteria met,
// evidence, agencies involved and consent, and only for families whose
// consent is recorded (the others are withheld, with the reason).
// Sealing and signing the table is the caller's (see seal.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/xlsx.hpp"

namespace sfcohort::exporting {

struct Options {
  std::vector<std::string> families;  // empty: every family with STATUS
  std::string status = "cohort";      // cohort | nominated | all
  std::string fields = "basic";       // basic | full
  std::string format = "csv";         // csv | json | xlsx
  // For xlsx: where the workbook is to go (its scratch file is made beside
  // it); the caller commits or takes Table::workbook.
  std::string workbook_path;
};

struct Withheld {
  std::string family_id;
  std::string reason;
};

struct Table {
  std::string text;  // the CSV (with header) or JSON array; empty for xlsx
  // For xlsx: the workbook written (one sheet, 'cohort', dates as dates,
  // every other value a text cell), not yet committed.
  std::shared_ptr<xlsx::Writer> workbook;
  size_t people = 0;
  std::vector<std::string> families;  // the family ids included, sorted
  std::vector<Withheld> withheld;     // families left out, and why
  // The people in the table (partner left ""), for the disclosure record.
  std::vector<Disclosure> disclosed;
};

// The columns of a profile, in output order.
const std::vector<std::string>& columns(const std::string& fields);

// Checks a table in profile FIELDS may go to RECIPIENTS, age recipients
// outside the partner register: only the basic profile may (Errc::kPolicy
// otherwise). Registered partners are checked by partners::destination().
Status check_recipients(const std::vector<std::string>& recipients, const std::string& fields);

// Builds the table. An unknown family id is Errc::kInvalidInput. For
// `full`, the criteria met, evidence (about the person or the household),
// agencies and consent come from the family's accepted nominations
// (nomination::family_dossier); a family without consent given is withheld.
Result<Table> build(Store& store, const Options& opt);

}  // namespace sfcohort::exporting
