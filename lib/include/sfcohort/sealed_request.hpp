// Answering a partner's bulk request (what `sfcohort lookup --batch` does
// with a sealed file or --to): the partner's sealed CSV is opened with the
// team identity and its signature checked against the partner register, every
// row is looked up (sfcohort/batch.hpp), and the reply the partner may see
// (sfcohort/partner_reply.hpp: band, known, lead agency) is sealed and signed
// to the partners named. Full results, with scores and cohort ids, never
// leave the team: they exist only in a private scratch file beside the
// output, removed whatever happens.
//
// Audit entries, in order: the opening of the request (subject "lookup
// request <file name>"), the batch (subject: the request's path as given),
// and the sealed reply (subject "lookup reply <file name>", detail families
// and request).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/batch.hpp"
#include "sfcohort/exchange.hpp"
#include "sfcohort/keys.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/seal.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::exchange {

// True when PATH is a file whose first bytes are an age header (binary or
// armored): a sealed request. A pipe or device is judged by its name (.age),
// never read ahead. Standard input ("-") and unreadable files are not.
bool is_sealed_request(const std::string& path);

struct AnswerOptions {
  // The request (BATCH.input: a sealed file, or a plain CSV file when only
  // the reply is sealed), where the answer goes (BATCH.output) and how the
  // rows are looked up. BATCH.audit_subject "" names the request's path.
  BatchOptions batch;
  // A sealed request must be signed by this registered partner ("" for any
  // registered partner); VERIFY false opens it unchecked (recorded).
  std::string from;
  bool verify = true;
  // Seal the partner reply to these registered partners (agreements in force,
  // allowed the "basic" profile) into BATCH.output, which must then be a file
  // (BATCH.output + ".minisig" is its signature). Empty: the full results
  // are written to BATCH.output as a plain batch writes them.
  std::vector<std::string> reply_to;
  bool armor = false;  // the sealed reply as ASCII armor
  // The partners' profile allows history: closed families are reported
  // known (PartnerReplyOptions::history). False: they are not.
  bool history = false;
  keys::PassphraseSource identity_passphrase;  // unlocks age.key if protected
  keys::PassphraseSource signing_passphrase;   // unlocks minisign.key if protected
  // Called, when set, once a sealed request is opened (before any lookup),
  // and once the batch is done (before the reply is made).
  std::function<void(const Received&)> on_opened;
  std::function<void(const BatchSummary&)> on_looked_up;
};

struct Answer {
  BatchSummary summary;
  std::optional<Received> request;    // when the input was sealed
  std::optional<seal::Sealed> reply;  // when REPLY_TO was given
  std::vector<std::string> families;  // cohort families the reply discloses as known
};

// Answers OPT.batch.input in STORE's cohort. With REPLY_TO, the partners are
// checked first, before any personal data is read. Errors: an unknown
// partner or no output file for a sealed reply, Errc::kInvalidInput;
// agreements not in force, Errc::kPolicy; a request that does not open or
// verify, or keys that cannot be unlocked, Errc::kCrypto; and those of
// lookup_batch(). STORE must not be used by another thread meanwhile.
Result<Answer> answer_request(Store& store, const AnswerOptions& opt);

}  // namespace sfcohort::exchange
