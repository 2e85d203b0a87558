// The tamper-evident audit trail. Entries are appended by Store::audit();
// this header reads and checks them. Each entry's mac is
// HMAC-SHA-256(audit.key, previous mac || "\n" || the entry's canonical
// JSON), the first entry (always init) chaining from a value derived from
// the database id; the newest (seq, mac) is also kept in
// KEYS/audit-<database id>.head, and KEYS/audit-databases binds each
// database's id to its path. So an edited, inserted, deleted or cut-off
// entry, an emptied trail or a replaced id is detected by anyone holding
// the key. Everyone who runs commands holds that key, so the trail is also
// committed to checkpoints signed by an auditor key operators do not hold:
// a checkpoint is a signed note (C2SP signed-note, tlog-checkpoint) of the
// trail's size, the root of a keyless digest chain over its entries, and
// each entry's digest cut to 8 bytes (to name the first entry changed).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/note.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {

struct AuditEntry {
  int64_t seq = 0;
  std::string at;  // UTC, YYYY-MM-DDTHH:MM:SSZ
  std::string actor;
  std::string command;
  std::string purpose;
  std::string subject;
  nlohmann::json detail;
  std::string os_user;  // the operating-system user ("" before schema 5)
};

// Which entries to list; every field given must hold.
struct AuditFilter {
  std::optional<std::string> since, until;  // YYYY-MM-DD, both days included
  std::optional<std::string> actor;  // the typed actor or the OS user, without regard to case
  std::optional<std::string>
      action;  // the command, or the command group ("share" for "share seal")
  // Entries about a person or a family: its subject, a disclosure record
  // naming them, or its detail naming the id as a JSON string.
  std::optional<std::string> person, family;
};
// The entries FILTER selects, in order.
Result<std::vector<AuditEntry>> audit_entries(Store& store, const AuditFilter& filter = {});
// Those on or after SINCE (a YYYY-MM-DD date) when given.
inline Result<std::vector<AuditEntry>> audit_entries(Store& store,
                                                     const std::optional<std::string>& since) {
  AuditFilter f;
  f.since = since;
  return audit_entries(store, f);
}

struct AuditCheck {
  bool intact = true;
  int64_t entries = 0;
  int64_t first_bad = 0;  // seq of the first bad entry (or where the missing tail starts)
  std::string problem;    // what is wrong, when !intact
  std::vector<std::string> notes;
};

// A checkpoint file as given: its name (for messages) and its text.
struct CheckpointFile {
  std::string name;
  std::string text;
};
struct CheckpointCheck {
  std::string name;
  int64_t size = 0;  // entries the checkpoint covers
  bool extends = false;
  int64_t first_bad = 0;  // the first entry of the checkpoint not in the trail as it was
  std::string problem;
};

// Recomputes the whole chain, checks it starts with init, compares its end
// with the head file and the database's id with the registry beside the
// keys; then checks the trail extends each of CHECKPOINTS (signed by
// AUDITOR): every entry they cover is still there, unchanged, in order. A
// checkpoint that is not signed by AUDITOR, or not of this database, is an
// error (Errc::kCrypto, kInvalidInput), not a verdict. INTACT is false if
// anything fails.
Result<AuditCheck> verify_audit(Store& store, const std::vector<CheckpointFile>& checkpoints = {},
                                const note::Verifier* auditor = nullptr,
                                std::vector<CheckpointCheck>* results = nullptr);

// The checkpoint of the trail as it stands, signed by AUDITOR: the trail
// is verified first, and an altered one refused (Errc::kCrypto, the
// problem). *SIZE is set to the entries it covers. Records an audit entry
// of its own after the checkpoint (which it does not cover).
Result<std::string> audit_checkpoint(Store& store, const note::Signer& auditor, int64_t* size);

// Creates KEYS_DIR (0700) and a random audit.key (0600) if it has none.
// Returns true when a key was made.
Result<bool> ensure_audit_key(const std::string& keys_dir);

}  // namespace sfcohort
