#include "match/cohort_index.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "db/index_scan.hpp"

namespace sfcohort::match {

namespace {

using match_tables::EntriesView;
using match_tables::NameKind;

constexpr uint32_t kNone = UINT32_MAX;
constexpr size_t kHugePage = size_t{2} << 20;

// A page fault is dear on a virtual machine, and a million people fill
// ~40,000 small pages: the large arrays ask for 2 MiB pages instead (where
// the kernel gives them only on request).
void advise_huge(const void* p, size_t bytes) {
  const auto from = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
  const auto to = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHugePage - 1);
  if (to > from) (void)madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
}

template <class T>
void reserve_huge(std::vector<T>& v, size_t n) {
  v.reserve(n);
  advise_huge(v.data(), v.capacity() * sizeof(T));
}
constexpr size_t kBuckets = size_t{1} << 16;

// The people of each key as slots. A pk with no person (none should be
// left) becomes kNone, skipped as the store's lookup skips it, but still
// counted in its key's block size.
void postings_to_slots(IndexData& x) {
  const int64_t max_pk = x.pk.empty() ? 0 : x.pk.back();
  if (static_cast<size_t>(max_pk) <= 4 * x.pk.size() + (size_t{1} << 20)) {
    std::vector<uint32_t> slot_of(static_cast<size_t>(max_pk) + 1, kNone);
    for (uint32_t i = 0; i < x.pk.size(); ++i) slot_of[static_cast<size_t>(x.pk[i])] = i;
    for (auto& p : x.posting) p = p <= static_cast<uint64_t>(max_pk) ? slot_of[p] : kNone;
    return;
  }
  // Sparse pks (many people deleted): searched instead of tabled.
  for (auto& p : x.posting) {
    auto it = std::lower_bound(x.pk.begin(), x.pk.end(), static_cast<int64_t>(p));
    p = it != x.pk.end() && *it == static_cast<int64_t>(p)
            ? static_cast<uint32_t>(it - x.pk.begin())
            : kNone;
  }
}

// Builds the index from a scan of the store. The names and families, the
// postings and the people come from two threads at once (index_scan::scan)
// and each writes its own members; each reader of people writes its own
// blocks of the arena, and its own chunks.
class Loader final : public index_scan::Sink {
 public:
  explicit Loader(IndexData& x)
      : x_(x), writers_{Arena::Writer(x.fields), Arena::Writer(x.fields)} {}

  bool start(int64_t max_pk, size_t chunks) override {
    if (max_pk < 0 || max_pk >= static_cast<int64_t>(kNone)) return false;
    chunks_.resize(chunks);
    return true;
  }

  void name_count(NameKind kind, std::string_view name, int64_t n) override {
    if (kind == NameKind::kGiven) {
      x_.given_n.emplace(name, n);
    } else if (kind == NameKind::kSurname) {
      x_.surname_n.emplace(name, n);
    } else {
      total_ = std::max(total_, n);
    }
  }

  bool family(std::string_view id, bool in_cohort) override {
    const uint32_t at = family_ids_.start(id.size() + 10);
    if (at == kNone || x_.family_at.size() + 1 >= (size_t{1} << 31)) return false;
    family_ids_.put_length(id.size());
    family_ids_.put(id);
    x_.family_at.push_back(at);
    x_.cohort.push_back(in_cohort);
    return true;
  }

  void families_done() override {
    size_t size = 16;
    while (size < x_.family_at.size() * 2) size *= 2;
    x_.family_table.assign(size, 0);
    for (uint32_t i = 0; i < x_.family_at.size(); ++i) {
      const char* p = x_.family_ids.at(x_.family_at[i]);
      size_t h = std::hash<std::string_view>()(Arena::get(p)) & (size - 1);
      while (x_.family_table[h] != 0) h = (h + 1) & (size - 1);
      x_.family_table[h] = i + 1;
    }
  }

  // Key postings: keys, where each key's people start, and the people as
  // pks (made slots once the people are read).
  bool posting_count(size_t n) override {
    if (n >= kNone) return false;
    // Reserved, not touched: pages the keys do not fill are never resident.
    reserve_huge(x_.posting, n);
    reserve_huge(x_.keys, n);
    reserve_huge(x_.starts, n + 1);
    x_.bucket_start.assign(kBuckets + 1, 0);
    return true;
  }

  bool postings(EntriesView run) override {
    if (x_.posting.size() + run.size() >= kNone) return false;
    for (size_t i = 0; i < run.size(); ++i) {
      const uint64_t k = run.key(i);
      const auto pk = static_cast<uint64_t>(run.pk(i));
      if (pk >= kNone) return false;
      if (x_.keys.empty() || x_.keys.back() != k) {
        for (; next_bucket_ <= static_cast<size_t>(k >> 48); ++next_bucket_)
          x_.bucket_start[next_bucket_] = static_cast<uint32_t>(x_.keys.size());
        x_.keys.push_back(k);
        x_.starts.push_back(static_cast<uint32_t>(x_.posting.size()));
      }
      x_.posting.push_back(static_cast<uint32_t>(pk));
    }
    return true;
  }

  bool person(int reader, size_t chunk, const index_scan::PersonView& p) override {
    const std::string_view f[IndexData::kFieldCount] = {p.id,           p.family_id, p.given_name,
                                                        p.middle_names, p.surname,   p.dob,
                                                        p.postcode,     p.house,     p.sex};
    size_t n = sizeof(PersonForms);
    for (const auto& v : f) n += v.size() + 5;
    Arena::Writer& out = writers_[reader];
    const uint32_t at = out.start(n);
    if (at == kNone) return false;
    const uint32_t family = x_.family(p.family_id);
    Parsed& parsed = parsed_[reader];
    PersonForms pf;
    pf.given = parsed.given.id(p.given_name, names::parse_given);
    pf.middle = parsed.middle.id(p.middle_names, names::parse_middle);
    pf.surname = parsed.surname.id(p.surname, names::parse_surname);
    pf.dob = parsed.dob.id(p.dob, dob_form);
    pf.postcode = parsed.postcode.id(p.postcode, postcode_compact);
    pf.house = parsed.house.id(p.house, parse_house);
    pf.family = family;
    pf.sex = sex_of(p.sex);
    pf.reader = static_cast<uint8_t>(reader);
    out.put(std::string_view(reinterpret_cast<const char*>(&pf), sizeof pf));
    for (int i = 0; i < IndexData::kFieldCount; ++i) {
      if (i == IndexData::kFamily) {
        out.put_length(family == kNone ? 0 : size_t{family} + 1);
        if (family != kNone) continue;
      }
      out.put_length(f[i].size());
      out.put(f[i]);
    }
    chunks_[chunk].pk.push_back(p.pk);
    chunks_[chunk].field_at.push_back(at);
    return true;
  }

  // After a whole scan: the people in pk order, the postings as slots.
  void finish() {
    for (; next_bucket_ <= kBuckets; ++next_bucket_)
      x_.bucket_start[next_bucket_] = static_cast<uint32_t>(x_.keys.size());
    x_.starts.push_back(static_cast<uint32_t>(x_.posting.size()));
    x_.total = static_cast<double>(total_);
    join_people();
    postings_to_slots(x_);
    join_forms();
  }

 private:
  void join_people() {
    size_t n = 0;
    for (const auto& c : chunks_) n += c.pk.size();
    reserve_huge(x_.pk, n);
    reserve_huge(x_.field_at, n);
    for (auto& c : chunks_) {
      x_.pk.insert(x_.pk.end(), c.pk.begin(), c.pk.end());
      x_.field_at.insert(x_.field_at.end(), c.field_at.begin(), c.field_at.end());
      c = {};
    }
  }

  // A text both readers read is parsed twice: harmless, forms are only read.
  void join_forms() {
    for (int r = 0; r < 2; ++r) {
      IndexData::Forms& f = x_.forms[r];
      Parsed& in = parsed_[r];
      f.given = std::move(in.given.forms());
      f.middle = std::move(in.middle.forms());
      f.surname = std::move(in.surname.forms());
      f.dob = std::move(in.dob.forms());
      f.postcode = std::move(in.postcode.forms());
      f.house = std::move(in.house.forms());
      in = {};
      for (const auto& g : f.given) f.given_tf.push_back(x_.tf(x_.given_n, g.first));
      for (const auto& s : f.surname) f.surname_tf.push_back(x_.tf(x_.surname_n, s.full));
    }
  }

  struct Chunk {
    std::vector<int64_t> pk;
    std::vector<uint32_t> field_at;
  };
  // Each reader's distinct texts, parsed.
  struct Parsed {
    Interner<names::GivenName> given;
    Interner<std::vector<std::string>> middle;
    Interner<names::Surname> surname;
    Interner<DobForm> dob;
    Interner<std::string> postcode;
    Interner<House> house;
  };
  Parsed parsed_[2];
  IndexData& x_;
  int64_t total_ = 0;
  size_t next_bucket_ = 0;
  Arena::Writer family_ids_{x_.family_ids};
  Arena::Writer writers_[2];
  std::vector<Chunk> chunks_;
};

}  // namespace

char* Arena::new_block(size_t& number) {
  std::lock_guard<std::mutex> l(mu_);
  if (blocks_.size() >= (size_t{1} << (32 - kBlockBits))) return nullptr;
  // Left untouched: only written pages are resident.
  void* b = std::aligned_alloc(kHugePage, kBlock);
  if (!b) throw std::bad_alloc();
  advise_huge(b, kBlock);
  blocks_.emplace_back(static_cast<char*>(b));
  number = blocks_.size() - 1;
  return static_cast<char*>(b);
}

uint32_t Arena::Writer::start(size_t n) {
  if (n > kBlock) return kNone;
  if (!cur_ || used_ + n > kBlock) {
    cur_ = arena_.new_block(block_);
    if (!cur_) return kNone;
    used_ = 0;
  }
  return static_cast<uint32_t>((block_ << kBlockBits) | used_);
}

void IndexData::person_fields(uint32_t slot, std::string_view (&out)[kFieldCount],
                              uint32_t& family) const {
  const char* p = fields.at(field_at[slot]) + sizeof(PersonForms);
  for (int i = 0; i < kFieldCount; ++i) {
    if (i == kFamily) {
      if (const size_t f = Arena::get_number(p)) {
        family = static_cast<uint32_t>(f - 1);
        out[i] = {};
        continue;
      }
      family = kNone;
    }
    out[i] = Arena::get(p);
  }
}

DobForm dob_form(std::string_view dob) {
  DobForm d;
  d.text = trim(dob);
  if (!d.text.empty()) d.date = parse_date_lenient(d.text);
  return d;
}

double IndexData::tf(const std::unordered_map<std::string, int64_t>& counts,
                     const std::string& name) const {
  if (name.empty() || total <= 0) return 0.0;
  auto it = counts.find(name);
  return it == counts.end() ? 0.0 : static_cast<double>(it->second) / total;
}

void IndexData::norm(const PersonForms& p, Norm& n, double& given_tf, double& surname_tf) const {
  const Forms& forms = this->forms[p.reader];
  n.given = forms.given[p.given];
  n.middle = forms.middle[p.middle];
  n.surname = forms.surname[p.surname];
  const DobForm& dob = forms.dob[p.dob];
  n.dob_text = dob.text;
  n.dob = dob.date;
  n.dob_valid = false;
  n.postcode = forms.postcode[p.postcode];
  n.postcode_valid = false;
  n.house = forms.house[p.house];
  n.sex = p.sex;
  given_tf = forms.given_tf[p.given];
  surname_tf = forms.surname_tf[p.surname];
}

void IndexData::probe(const std::vector<uint64_t>& query, size_t max_block,
                      std::vector<uint32_t>& slots) const {
  // Each step of a probe is a cache miss, and a query probes a dozen keys:
  // the keys' memory is asked for a step ahead, for all of them at once.
  for (uint64_t k : query) __builtin_prefetch(&bucket_start[static_cast<size_t>(k >> 48)]);
  for (uint64_t k : query) {
    const size_t b = static_cast<size_t>(k >> 48);
    const char* from = reinterpret_cast<const char*>(keys.data() + bucket_start[b]);
    const char* to = reinterpret_cast<const char*>(keys.data() + bucket_start[b + 1]);
    for (const char* p = from; p < to; p += 64) __builtin_prefetch(p);
  }
  std::vector<size_t> found;
  found.reserve(query.size());
  for (uint64_t k : query) {
    const size_t b = static_cast<size_t>(k >> 48);
    auto first = keys.begin() + bucket_start[b], last = keys.begin() + bucket_start[b + 1];
    auto it = std::lower_bound(first, last, k);
    if (it == last || *it != k) continue;
    const size_t i = static_cast<size_t>(it - keys.begin());
    __builtin_prefetch(&starts[i]);
    found.push_back(i);
  }
  for (size_t i : found) __builtin_prefetch(&posting[starts[i]]);
  for (size_t i : found) {
    const uint32_t from = starts[i], to = starts[i + 1];
    if (to - from > max_block) continue;
    slots.insert(slots.end(), posting.begin() + from, posting.begin() + to);
  }
}

uint32_t IndexData::family(std::string_view family_id) const {
  const size_t mask = family_table.size() - 1;
  for (size_t h = std::hash<std::string_view>()(family_id) & mask;; h = (h + 1) & mask) {
    const uint32_t e = family_table[h];
    if (e == 0) return kNone;
    const char* p = family_ids.at(family_at[e - 1]);
    if (Arena::get(p) == family_id) return e - 1;
  }
}

}  // namespace sfcohort::match

namespace sfcohort {

using match::IndexData;

CohortIndex::CohortIndex(std::unique_ptr<IndexData> data) : data_(std::move(data)) {}
CohortIndex::~CohortIndex() = default;

size_t CohortIndex::people() const { return data_->pk.size(); }
size_t CohortIndex::keys() const { return data_->keys.size(); }

size_t CohortIndex::memory_bytes() const {
  const IndexData& x = *data_;
  size_t n = x.bucket_start.capacity() * 4 + x.keys.size() * 8 + x.starts.size() * 4 +
             x.posting.size() * 4;
  n += x.pk.size() * 8 + x.field_at.size() * 4 + x.fields.bytes();
  n += x.family_table.size() * 4 + x.family_at.size() * 4 + x.family_ids.bytes() +
       x.cohort.size() / 8;
  for (const IndexData::Forms& f : x.forms) {
    // Strings past the short-string buffer and vectors' elements roughly: a
    // few thousand of each.
    n += (f.given.size() + f.surname.size()) * (sizeof(names::GivenName) + 8 + 32);
    n += f.middle.size() * (sizeof(std::vector<std::string>) + 32);
    n += f.dob.size() * sizeof(match::DobForm) + f.postcode.size() * sizeof(std::string) +
         f.house.size() * sizeof(match::House);
  }
  for (const auto* m : {&x.given_n, &x.surname_n})
    for (const auto& [name, count] : *m) n += name.capacity() + 64;
  return n;
}

Result<int64_t> CohortIndex::rows_to_pay_off(Store& store) {
  // Measured at 1,000,000 people on 2 cores: on SQLite loading takes ~0.6 us
  // a person, a lookup ~120 us in the store and ~30 us in the index; on
  // PostgreSQL over its Unix socket loading takes ~2.7 us a person and a
  // lookup ~1.5 ms in the store (a round trip a key and a candidate).
  const int64_t people_per_row = match_tables::queries_are_round_trips(store) ? 500 : 150;
  auto people = match_tables::people_indexed(store);
  if (!people) return people.error();
  return std::min<int64_t>(*people / people_per_row, 50000);
}

Result<std::shared_ptr<const CohortIndex>> CohortIndex::load(Store& store, Store* second) {
  auto x = std::make_unique<IndexData>();
  match::Loader loader(*x);
  auto read = index_scan::scan(store, second, loader);
  if (!read) return read.error();
  if (!*read) return std::shared_ptr<const CohortIndex>();
  loader.finish();
  auto weights = match::load_weights(store);
  if (!weights) return weights.error();
  x->weights = std::move(*weights);
  return std::shared_ptr<const CohortIndex>(new CohortIndex(std::move(x)));
}

}  // namespace sfcohort
