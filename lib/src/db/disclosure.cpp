// The disclosure record (schema/0008): which people each audited command
// returned or disclosed, written with its audit entry, and the check that
// the rows still sum to the digest the entry recorded.
#include <algorithm>
#include <unordered_map>

#include "db/audit_internal.hpp"
#include "db/sqlite.hpp"
#include "db/store_access.hpp"

namespace sfcohort::audit {
namespace {

// Rows per INSERT statement: one statement prepared once writes many rows,
// so a batch of 100,000 people costs a thousand statement runs, not 100,000.
constexpr size_t kRowsPerInsert = 100;

std::string insert_sql(size_t rows) {
  std::string q = "INSERT INTO disclosure(person_id, audit_seq, partner, family_id) VALUES ";
  for (size_t i = 0; i < rows; ++i) {
    const size_t b = 4 * i;
    q += (i ? ", (?" : "(?") + std::to_string(b + 1) + ", ?" + std::to_string(b + 2) + ", ?" +
         std::to_string(b + 3) + ", ?" + std::to_string(b + 4) + ")";
  }
  return q;
}

Digest32 from_hex(std::string_view h) {
  Digest32 d{};
  if (h.size() != 64) return d;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i < 32; ++i)
    d[i] = static_cast<uint8_t>(nib(h[2 * i]) << 4 | nib(h[2 * i + 1]));
  return d;
}

}  // namespace

void DisclosureSum::add(const Digest32& d, int64_t n) {
  people += n;
  for (size_t i = 0; i < x.size(); ++i) x[i] ^= d[i];
}

std::string DisclosureSum::hex() const { return to_hex(x); }

std::string disclosure_digest_key(const std::string& audit_key) {
  const Digest32 k = hmac_sha256(audit_key, "sfcohort disclosure digest");
  return std::string(reinterpret_cast<const char*>(k.data()), k.size());
}

Digest32 disclosure_row_digest(const std::string& digest_key, int64_t seq,
                               std::string_view person_id, std::string_view partner) {
  std::string row = std::to_string(seq);
  row += '\n';
  row += person_id;
  row += '\n';
  row += partner;
  return sha256(digest_key, row);
}

void unique_disclosures(std::vector<Disclosure>& rows) {
  auto key_of = [](const Disclosure& d) { return std::tie(d.person_id, d.partner); };
  std::sort(rows.begin(), rows.end(),
            [&](const Disclosure& a, const Disclosure& b) { return key_of(a) < key_of(b); });
  rows.erase(
      std::unique(rows.begin(), rows.end(),
                  [&](const Disclosure& a, const Disclosure& b) { return key_of(a) == key_of(b); }),
      rows.end());
}

DisclosureSum prepare_disclosures(const std::string& audit_key, int64_t seq,
                                  std::vector<Disclosure>& rows) {
  unique_disclosures(rows);
  const std::string k = disclosure_digest_key(audit_key);
  DisclosureSum sum;
  for (const auto& r : rows) sum.add(disclosure_row_digest(k, seq, r.person_id, r.partner));
  return sum;
}

Status insert_disclosures(Store& store, int64_t seq, const std::vector<Disclosure>& rows) {
  size_t i = 0;
  while (i < rows.size()) {
    const size_t n = std::min(kRowsPerInsert, rows.size() - i);
    auto st = db::cached(store, insert_sql(n == kRowsPerInsert ? kRowsPerInsert : n));
    if (!st) return st.error();
    for (size_t j = 0; j < n; ++j) {
      const Disclosure& d = rows[i + j];
      const int b = static_cast<int>(4 * j);
      (*st)->bind(b + 1, d.person_id).bind(b + 2, seq).bind(b + 3, d.partner);
      (*st)->bind(b + 4, d.family_id);
    }
    SF_TRY((*st)->run());
    i += n;
  }
  return Ok{};
}

void note_disclosures(Walk& w, int64_t seq, std::string_view detail) {
  // Cheap test first: a verify reads a million entries.
  const bool disclosed = detail.find("\"disclosed\":{") != std::string_view::npos;
  const bool disposed = detail.find("\"disposed_disclosures\":{") != std::string_view::npos;
  if (!disclosed && !disposed) return;
  auto j = nlohmann::json::parse(detail, nullptr, false);
  if (!j.is_object()) return;
  if (disclosed && j["disclosed"].is_object()) {
    const auto& d = j["disclosed"];
    w.disclosed[seq] = {d.value("people", int64_t{0}), d.value("digest", std::string())};
  }
  if (disposed && j["disposed_disclosures"].is_object()) {
    const auto& d = j["disposed_disclosures"];
    w.disposed_people += d.value("people", int64_t{0});
    w.disposed_digests.push_back(d.value("digest", std::string()));
  }
}

Status check_disclosures(Store& store, Walk& w, const std::string& audit_key) {
  AuditCheck& out = w.check;
  auto fail = [&out](int64_t seq, std::string why) {
    out.intact = false;
    out.first_bad = seq;
    out.problem = std::move(why);
    return Ok{};
  };
  const std::string k = disclosure_digest_key(audit_key);
  std::unordered_map<int64_t, DisclosureSum> sums;
  sql::Db& db = db::connection(store);
  {
    // One pass over the table in its own order (by person): the sums are
    // kept per entry in memory.
    auto st = db.prepare("SELECT audit_seq, person_id, partner FROM disclosure");
    if (!st) return st.error();
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (!*r) break;
      const int64_t seq = st->int64(0);
      sums[seq].add(disclosure_row_digest(k, seq, st->text_view(1), st->text_view(2)));
    }
  }
  DisclosureSum disposed;
  {
    auto st = db.prepare("SELECT audit_seq, people, digest FROM disclosure_disposed");
    if (!st) return st.error();
    for (;;) {
      auto r = st->step();
      if (!r) return r.error();
      if (!*r) break;
      const Digest32 d = from_hex(st->text_view(2));
      sums[st->int64(0)].add(d, st->int64(1));
      disposed.add(d, st->int64(1));
    }
  }
  for (const auto& [seq, sum] : sums) {
    auto it = w.disclosed.find(seq);
    if (it == w.disclosed.end()) {
      return fail(seq, "disclosure rows were added to entry " + std::to_string(seq) +
                           ", which recorded none");
    }
  }
  for (const auto& [seq, want] : w.disclosed) {
    auto it = sums.find(seq);
    const DisclosureSum have = it == sums.end() ? DisclosureSum{} : it->second;
    // An entry the server appended on PostgreSQL before schema/pg/0013
    // records the count alone (its MAC keeps it so).
    const bool digest_kept = !want.second.empty();
    if (have.people != want.first ||
        (digest_kept && !equal_constant_time(have.hex(), want.second))) {
      return fail(seq, "the disclosure rows of entry " + std::to_string(seq) +
                           " have been altered, added or removed (" + std::to_string(have.people) +
                           " rows for the " + std::to_string(want.first) + " it recorded)");
    }
  }
  DisclosureSum recorded;
  for (const auto& h : w.disposed_digests) recorded.add(from_hex(h), 0);
  recorded.people = w.disposed_people;
  if (recorded.people != disposed.people || recorded.hex() != disposed.hex()) {
    return fail(out.entries,
                "the record of disposed disclosures does not match what the "
                "retention entries recorded");
  }
  return Ok{};
}

namespace {

// On PostgreSQL the server moves the rows (schema/pg/0013): the digest
// needs its key.
Result<nlohmann::json> dispose_on_server(Store& store, const std::vector<std::string>& person_ids) {
  auto st = db::cached(store, "SELECT dispose_disclosures(?1)");
  if (!st) return st.error();
  (*st)->bind(1, nlohmann::json(person_ids).dump());
  auto r = (*st)->step();
  if (!r) return r.error();
  auto out = nlohmann::json::parse(*r ? (*st)->text(0) : std::string(), nullptr, false);
  (*st)->reset();
  if (!out.is_object() || !out["people"].is_number_integer() || !out["digest"].is_string()) {
    return Error(Errc::kEnvironment, "the server's disposal of disclosure rows answered nothing");
  }
  return out;
}

}  // namespace

Result<nlohmann::json> dispose_disclosures(Chain& c, Store& store,
                                           const std::vector<std::string>& person_ids) {
  if (db::connection(store).postgres()) return dispose_on_server(store, person_ids);
  if (c.key.empty()) {
    auto k = load_key(c.keys_dir);
    if (!k) return k.error();
    c.key = *k;
  }
  const std::string k = disclosure_digest_key(c.key);
  std::unordered_map<int64_t, DisclosureSum> removed;
  DisclosureSum total;
  auto rows = db::cached(store, "SELECT audit_seq, partner FROM disclosure WHERE person_id = ?1");
  if (!rows) return rows.error();
  auto del = db::cached(store, "DELETE FROM disclosure WHERE person_id = ?1");
  if (!del) return del.error();
  for (const auto& id : person_ids) {
    (*rows)->bind(1, id);
    for (;;) {
      auto r = (*rows)->step();
      if (!r) return r.error();
      if (!*r) break;
      const int64_t seq = (*rows)->int64(0);
      const Digest32 d = disclosure_row_digest(k, seq, id, (*rows)->text_view(1));
      removed[seq].add(d);
      total.add(d);
    }
    (*rows)->reset();
    (*del)->bind(1, id);
    SF_TRY((*del)->run());
  }
  auto old =
      db::cached(store, "SELECT people, digest FROM disclosure_disposed WHERE audit_seq = ?1");
  if (!old) return old.error();
  auto put = db::cached(store,
                        "INSERT INTO disclosure_disposed(audit_seq, people, digest) "
                        "VALUES (?1, ?2, ?3) ON CONFLICT (audit_seq) DO UPDATE SET "
                        "people = excluded.people, digest = excluded.digest");
  if (!put) return put.error();
  for (auto& [seq, sum] : removed) {
    (*old)->bind(1, seq);
    auto r = (*old)->step();
    if (!r) return r.error();
    if (*r) sum.add(from_hex((*old)->text_view(1)), (*old)->int64(0));
    (*old)->reset();
    (*put)->bind(1, seq).bind(2, sum.people).bind(3, sum.hex());
    SF_TRY((*put)->run());
  }
  return nlohmann::json{{"people", total.people}, {"digest", total.hex()}};
}

}  // namespace sfcohort::audit
