// What an import changed, line by line (`import --changes FILE`): added,
// updated (one line per field), moved, missing and duplicate, as CSV
// (change,family_id,person_id,field,old,new) or JSON Lines (by the file's
// extension: .jsonl or .ndjson). Private to cohort/.
#pragma once

#include <optional>
#include <string>

#include "sfcohort/io.hpp"
#include "sfcohort/result.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::changes {

class Log {
 public:
  // Writes to PATH (0600, made visible by commit()); without open() the log
  // only counts.
  Status open(const std::string& path);
  // Also records each `updated` field in STORE's person history (schema
  // 0011), dated AT: what a subject access request shows.
  void record_history(Store* store, std::string at) {
    store_ = store;
    at_ = std::move(at);
  }
  Status add(const char* change, const std::string& family_id, const std::string& person_id,
             const std::string& field = "", const std::string& old_value = "",
             const std::string& new_value = "");
  // One `updated` line per field of NOW that differs from WAS (family_id is
  // a move, reported by the caller), each recorded in the history too.
  Status updated(const Person& was, const Person& now);
  Status commit();

 private:
  std::optional<AtomicFile> file_;
  bool jsonl_ = false;
  std::string buf_;
  Store* store_ = nullptr;
  std::string at_;
};

}  // namespace sfcohort::changes
