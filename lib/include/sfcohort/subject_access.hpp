// A subject access request (UK GDPR article 15): everything the cohort
// holds about one person, written to a file (or standard output) with an
// audit entry of its own. Other people's data is left out: the family's
// other members, and the detail of audit entries (which may name others).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::subject_access {

// Everything held about PERSON_ID, as a JSON object: "person" (the record,
// with when it was first stored and last changed), "family" (its id,
// status, dates, lead agency and status history, reasons included: the
// subject is entitled to them), "nominations" and "evidence" naming the
// person (typed into a nomination, or from a partner's feed: attached to
// the person, or waiting for review as a possible match to them, each with
// its feed id and state), "record_history" (the audit entries whose subject is the person
// or the family: when, who, what command) and "disclosures" (every lookup
// that returned the person, every export and sealed reply that contained
// them: when, the officer, the command, the partner). Unknown person:
// kInvalidInput. Reads only; makes no audit entry.
Result<nlohmann::ordered_json> gather(Store& store, const std::string& person_id);

// The same as text, one section per key, for a letter to the subject.
std::string to_text(const nlohmann::ordered_json& sar);

struct Written {
  int64_t disclosures = 0;
  int64_t bytes = 0;
};
// Gathers PERSON_ID's data and writes it to OUTPUT ("-": standard output)
// as FORMAT ("text" or "json"), atomically (0600), with an audit entry
// (subject the person; detail mode "sar", format, output, counts) made
// before the file is renamed into place, or before the first byte is
// written to standard output.
Result<Written> write(Store& store, const std::string& person_id, const std::string& format,
                      const std::string& output);

}  // namespace sfcohort::subject_access
