// Small self-contained helpers for sfcohort-gen: a fixed PRNG, civil dates,
// UTF-8 case mapping and CSV output. Nothing here depends on the sfcohort
// library, so the generator's ground truth cannot inherit the matcher's tables.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace gen {

// xoshiro256** seeded through splitmix64. Every draw is integer arithmetic, so
// a seed gives the same stream on every platform and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) { reseed(seed); }
  void reseed(uint64_t seed) {
    uint64_t x = seed;
    for (auto& w : s_) w = splitmix(x);
  }
  static uint64_t splitmix(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n); n > 0. Rejection keeps it unbiased.
  uint64_t below(uint64_t n) {
    const uint64_t threshold = (0 - n) % n;
    while (true) {
      const uint64_t r = next();
      if (r >= threshold) return r % n;
    }
  }
  // Uniform integer in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo + 1)));
  }
  // True with probability per_mille / 1000.
  bool chance(unsigned per_mille) { return below(1000) < per_mille; }
  // True with probability num / den.
  bool odds(uint64_t num, uint64_t den) { return below(den) < num; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(v.size())];
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// 64-bit FNV-1a then a splitmix finaliser: stable hashing of strings.
inline uint64_t hash_str(std::string_view s, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  uint64_t x = h;
  return Rng::splitmix(x);
}

// A discrete distribution with integer weights: picks are exact and portable.
class Weighted {
 public:
  Weighted() = default;
  explicit Weighted(const std::vector<uint64_t>& weights) {
    uint64_t acc = 0;
    for (auto w : weights) cum_.push_back(acc += w);
  }
  size_t size() const { return cum_.size(); }
  size_t pick(Rng& rng) const {
    const uint64_t r = rng.below(cum_.back());
    size_t lo = 0, hi = cum_.size() - 1;
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (cum_[mid] > r)
        hi = mid;
      else
        lo = mid + 1;
    }
    return lo;
  }

 private:
  std::vector<uint64_t> cum_;
};

// Zipf-like integer weights for a list ordered most common first:
// w(rank) = K / (rank + offset). A larger offset flattens the head.
std::vector<uint64_t> zipf_weights(size_t n, unsigned offset);

// ---- dates (proleptic Gregorian, days since 1970-01-01) ----
struct Ymd {
  int y, m, d;
};
int64_t days_from_ymd(int y, int m, int d);
Ymd ymd_from_days(int64_t z);
bool valid_ymd(int y, int m, int d);
int days_in_month(int y, int m);
std::string iso_date(int64_t days);
// Parses YYYY-MM-DD or DD/MM/YYYY; false if neither or not a real date.
bool parse_date(std::string_view s, int64_t& days);

// ---- text ----
std::vector<std::string> split_list(std::string_view s, char sep = ',');
std::string lower_ascii(std::string_view s);
// Upper/lower case over the Latin letters the name tables use (ASCII,
// Latin-1, Latin Extended-A, Romanian comma-below letters).
std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
// Accents removed: Łukasz -> Lukasz, Ștefan -> Stefan.
std::string fold_accents(std::string_view s);
bool has_non_ascii(std::string_view s);
// First code point of s, upper-cased.
std::string initial_of(std::string_view s);
// A comparison key: accents folded, lower case, only a-z0-9.
std::string key_of(std::string_view s);

// ---- output ----
// Buffered writer to a FILE*, quoting CSV fields where RFC 4180 needs it.
class CsvOut {
 public:
  explicit CsvOut(std::FILE* f) : f_(f) { buf_.reserve(1 << 20); }
  ~CsvOut() { flush(); }
  void field(std::string_view s);
  void raw(std::string_view s) { buf_.append(s); }
  void sep() { buf_.push_back(','); }
  void end_row() {
    buf_.push_back('\n');
    if (buf_.size() > (1 << 20)) flush();
  }
  bool flush();
  bool ok() const { return ok_; }

 private:
  std::FILE* f_;
  std::string buf_;
  bool ok_ = true;
};

// Streams rows of an RFC 4180 CSV file (quotes, CRLF, embedded newlines).
class CsvIn {
 public:
  explicit CsvIn(std::FILE* f) : f_(f) {}
  // Reads the next record into fields; false at end of file.
  bool next(std::vector<std::string>& fields);

 private:
  int get();
  std::FILE* f_;
  std::vector<char> buf_ = std::vector<char>(1 << 20);
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
};

}  // namespace gen
