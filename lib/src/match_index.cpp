#include "match_index.hpp"

#include <cstring>

#include "match.hpp"
#include "sqlite.hpp"

namespace sfcohort::match {
namespace {

std::string pack(const std::vector<uint64_t>& keys) {
  std::string b(keys.size() * 8, '\0');
  for (size_t i = 0; i < keys.size(); ++i)
    for (int j = 0; j < 8; ++j) b[i * 8 + j] = static_cast<char>((keys[i] >> (8 * j)) & 0xff);
  return b;
}

std::vector<uint64_t> unpack(const void* p, int n) {
  std::vector<uint64_t> keys(static_cast<size_t>(n) / 8);
  const auto* u = static_cast<const unsigned char*>(p);
  for (size_t i = 0; i < keys.size(); ++i) {
    uint64_t k = 0;
    for (int j = 0; j < 8; ++j) k |= static_cast<uint64_t>(u[i * 8 + j]) << (8 * j);
    keys[i] = k;
  }
  return keys;
}

Status add_freq(Store& store, const char* kind, const std::string& name, int delta) {
  auto st = store.cached(
      "INSERT INTO name_freq(kind, name, n) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(kind, name) DO UPDATE SET n = n + excluded.n");
  if (!st) return st.error();
  (*st)->bind(1, kind).bind(2, name).bind(3, delta);
  return (*st)->run();
}

}  // namespace

Status index_person(Store& store, const Person& p) {
  if (p.pk == 0) return internal_error("match index: person '" + p.id + "' has no key");
  Norm n = normalise(p.given_name, p.middle_names, p.surname, p.dob, p.postcode, p.house);
  std::vector<uint64_t> keys = person_keys(n);

  // Remove what an earlier version of the person wrote.
  auto old = store.cached("SELECT keys, given, surname FROM match_person WHERE pk = ?1");
  if (!old) return old.error();
  (*old)->bind(1, p.pk);
  auto found = (*old)->step();
  if (!found) return found.error();
  bool existed = *found;
  if (existed) {
    sqlite3_stmt* raw = (*old)->raw();
    std::vector<uint64_t> old_keys =
        unpack(sqlite3_column_blob(raw, 0), sqlite3_column_bytes(raw, 0));
    std::string og = (*old)->text(1), os = (*old)->text(2);
    (*old)->reset();
    auto del = store.cached("DELETE FROM match_key WHERE key = ?1 AND pk = ?2");
    if (!del) return del.error();
    for (uint64_t k : old_keys) {
      (*del)->bind(1, static_cast<int64_t>(k)).bind(2, p.pk);
      SF_TRY((*del)->run());
    }
    SF_TRY(add_freq(store, "G", og, -1));
    SF_TRY(add_freq(store, "S", os, -1));
  } else {
    (*old)->reset();
  }

  auto ins = store.cached("INSERT OR IGNORE INTO match_key(key, pk) VALUES (?1, ?2)");
  if (!ins) return ins.error();
  for (uint64_t k : keys) {
    (*ins)->bind(1, static_cast<int64_t>(k)).bind(2, p.pk);
    SF_TRY((*ins)->run());
  }
  auto mp = store.cached(
      "INSERT OR REPLACE INTO match_person(pk, keys, given, surname) VALUES (?1, ?2, ?3, ?4)");
  if (!mp) return mp.error();
  std::string blob = pack(keys);
  (*mp)->bind(1, p.pk).bind_blob(2, blob.data(), blob.size()).bind(3, n.given.first).bind(4, n.surname.full);
  SF_TRY((*mp)->run());
  SF_TRY(add_freq(store, "G", n.given.first, 1));
  SF_TRY(add_freq(store, "S", n.surname.full, 1));
  if (!existed) SF_TRY(add_freq(store, "#", "", 1));
  return Ok{};
}

}  // namespace sfcohort::match
