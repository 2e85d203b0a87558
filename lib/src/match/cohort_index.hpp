// The layout of a CohortIndex (sfcohort/lookup.hpp): flat arrays, so that a
// million people fit in a small part of the bulk run's memory budget and a
// lookup over them touches a few cache lines per candidate. Private to
// lib/src/match/: lookup.cpp reads it (through IndexAccess),
// match/cohort_index.cpp builds it from a scan of the store
// (db/index_scan.hpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "match/model.hpp"
#include "match/weights.hpp"
#include "sfcohort/lookup.hpp"

namespace sfcohort::match {

// Bytes appended in blocks that never move (no copy as it grows, so loading
// never holds two copies); a record never straddles two blocks. Several
// Writers may fill one arena at once, each in blocks of its own.
class Arena {
 public:
  static constexpr unsigned kBlockBits = 24;  // 16 MiB
  static constexpr size_t kBlock = size_t{1} << kBlockBits;

  class Writer {
   public:
    explicit Writer(Arena& a) : arena_(a) {}
    // Where the next record of up to N bytes will start; UINT32_MAX when it
    // cannot (a record over a block, or 4 GiB written).
    uint32_t start(size_t n);
    void put(std::string_view bytes) {
      std::memcpy(cur_ + used_, bytes.data(), bytes.size());
      used_ += bytes.size();
    }
    void put_length(size_t n) {
      while (n >= 0x80) {
        cur_[used_++] = static_cast<char>((n & 0x7f) | 0x80);
        n >>= 7;
      }
      cur_[used_++] = static_cast<char>(n);
    }

   private:
    Arena& arena_;
    char* cur_ = nullptr;
    size_t block_ = 0, used_ = 0;
  };

  // Valid once every writer is done.
  const char* at(uint32_t pos) const {
    return blocks_[pos >> kBlockBits].get() + (pos & (kBlock - 1));
  }
  // Reads a length and the bytes after it at P, moving P past them.
  static std::string_view get(const char*& p) {
    size_t n = get_number(p);
    std::string_view v(p, n);
    p += n;
    return v;
  }
  static size_t get_number(const char*& p) {
    size_t n = 0;
    unsigned shift = 0;
    for (;;) {
      auto c = static_cast<unsigned char>(*p++);
      n |= static_cast<size_t>(c & 0x7f) << shift;
      if (!(c & 0x80)) break;
      shift += 7;
    }
    return n;
  }
  size_t bytes() const { return blocks_.size() << kBlockBits; }

 private:
  // A new block for a writer: its address and number; null when 4 GiB are used.
  char* new_block(size_t& number);
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  std::mutex mu_;
  std::vector<std::unique_ptr<char, Free>> blocks_;
};

// The distinct texts of one field, each parsed once: a cohort of a million
// people holds a few thousand given names, surnames and houses, so a lookup
// scores a candidate from forms made at load instead of parsing (or hashing)
// its texts again. Loading asks for every person's texts while SQLite's pages
// stream through the cache, so the table is flat (one cache miss a text, where
// std::unordered_map took two or three). Not thread-safe: each loading thread
// has its own.
template <class T>
class Interner {
 public:
  // The number of TEXT's form, made by PARSE(TEXT) the first time TEXT is
  // seen. Numbers count up from 0.
  template <class Parse>
  uint32_t id(std::string_view text, Parse parse) {
    // People come in pk order, a family's together: the text of the person
    // before (a surname, a postcode, a house) is the likeliest.
    if (last_ != kNone && key(last_) == text) return last_;
    if (2 * (forms_.size() + 1) > slots_.size()) grow();
    const uint64_t h = std::hash<std::string_view>()(text);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.id == kNone) {
        s.hash = h;
        s.id = static_cast<uint32_t>(forms_.size());
        s.size = static_cast<uint32_t>(text.size());
        if (text.size() <= sizeof s.text) std::memcpy(s.text, text.data(), text.size());
        forms_.push_back(parse(text));
        keys_.append(text);
        key_end_.push_back(static_cast<uint32_t>(keys_.size()));
        return last_ = s.id;
      }
      if (s.hash == h && s.size == text.size() &&
          (text.size() <= sizeof s.text ? std::memcmp(s.text, text.data(), text.size()) == 0
                                        : key(s.id) == text))
        return last_ = s.id;
    }
  }
  // The forms, by number.
  std::vector<T>& forms() { return forms_; }
  size_t size() const { return forms_.size(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  // A short text is kept in its slot too: the slot is then all a lookup
  // reads.
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = kNone;
    uint32_t size = 0;
    char text[16];
  };
  std::string_view key(uint32_t id) const {
    const uint32_t from = id == 0 ? 0 : key_end_[id - 1];
    return std::string_view(keys_).substr(from, key_end_[id] - from);
  }
  void grow() {
    std::vector<Slot> old(std::max<size_t>(64, slots_.size() * 2));
    old.swap(slots_);
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.id == kNone) continue;
      size_t i = s.hash & mask;
      while (slots_[i].id != kNone) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;  // a power of two, at most half full
  std::string keys_;         // the texts one after another; text I ends at key_end_[I]
  std::vector<uint32_t> key_end_;
  uint32_t last_ = kNone;  // the number asked for last
  std::vector<T> forms_;
};

// A date of birth as normalise_person() reads it: the text trimmed, and the
// date it gives.
struct DobForm {
  std::string text;
  std::optional<Date> date;
};
DobForm dob_form(std::string_view dob);

// What a lookup scores of each person, made once at load: the numbers of
// the forms of its fields (in IndexData::forms[reader], the forms of the
// thread that read the person), its family's position (UINT32_MAX when
// missing) and its sex as sex_of() reads it.
struct PersonForms {
  uint32_t given = 0, middle = 0, surname = 0, dob = 0, postcode = 0, house = 0;
  uint32_t family = UINT32_MAX;
  char sex = 0;
  uint8_t reader = 0;
};

struct IndexData {
  // Key postings, as in match_bucket: keys[] sorted and distinct; the people
  // holding keys[i] are posting[starts[i]] .. posting[starts[i + 1] - 1]
  // (person slots, ascending). bucket_start[b] is the first key whose top
  // 16 bits are b, so a probe searches one bucket's keys.
  std::vector<uint32_t> bucket_start;  // 65,537 entries
  std::vector<uint64_t> keys;
  std::vector<uint32_t> starts;
  std::vector<uint32_t> posting;

  // People, in pk order (a slot is a position in these). Each person's
  // PersonForms (its bytes) and then its fields are stored one after
  // another in `fields` from field_at[slot], each field as a LEB128 length
  // and its bytes, in the order of Field; but the
  // family is a LEB128 of 1 + its position among the families, or 0 and its
  // id (a person whose family is missing).
  enum Field {
    kId,
    kFamily,
    kGiven,
    kMiddle,
    kSurname,
    kDob,
    kPostcode,
    kHouse,
    kSex,
    kFieldCount
  };
  std::vector<int64_t> pk;
  std::vector<uint32_t> field_at;
  Arena fields;

  // Families: open addressing on the id's hash; a slot holds 1 + the family's
  // position (0 = empty). family_at[i] is where the id of family i starts in
  // family_ids; cohort[i] says its status is 'cohort' or 'closed' (reported).
  std::vector<uint32_t> family_table;
  std::vector<uint32_t> family_at;
  Arena family_ids;
  std::vector<bool> cohort;

  // The forms PersonForms number, by reader: parsed as normalise_person()
  // parses the fields, with the share of the cohort with each given name's
  // first name and each surname (tf()). Kept with the fields, a person's
  // forms cost loading nothing more than their bytes (a table by slot was
  // filled by chunks and copied: 0.3 s of page faults and copying).
  struct Forms {
    std::vector<names::GivenName> given;
    std::vector<double> given_tf;
    std::vector<std::vector<std::string>> middle;
    std::vector<names::Surname> surname;
    std::vector<double> surname_tf;
    std::vector<DobForm> dob;
    std::vector<std::string> postcode;
    std::vector<House> house;
  } forms[2];

  // name_freq: people per folded given name and surname, and everyone indexed.
  std::unordered_map<std::string, int64_t> given_n, surname_n;
  double total = 0;
  // The weights and bands stored (match/weights.hpp).
  Weights weights = Weights::builtin();

  // The fields of the person in SLOT, by Field, but the family as its
  // position in FAMILY; out[kFamily] is the id only when there is no such
  // family (FAMILY is then UINT32_MAX).
  void person_fields(uint32_t slot, std::string_view (&out)[kFieldCount], uint32_t& family) const;
  std::string_view family_id(uint32_t family) const {
    const char* p = family_ids.at(family_at[family]);
    return Arena::get(p);
  }
  PersonForms person_forms(uint32_t slot) const {
    PersonForms p;
    std::memcpy(&p, fields.at(field_at[slot]), sizeof p);
    return p;
  }
  // N set to the person of forms P as normalise_person() and sex_of() make
  // it (assigned member by member, so N's strings keep their storage), and
  // the shares of the cohort with its given name and surname.
  void norm(const PersonForms& p, Norm& n, double& given_tf, double& surname_tf) const;
  // The share of the cohort with folded NAME in COUNTS (0 when unknown).
  double tf(const std::unordered_map<std::string, int64_t>& counts, const std::string& name) const;
  // Appends the slots of the people holding each of KEYS, except for a key
  // more than MAX_BLOCK people hold.
  void probe(const std::vector<uint64_t>& keys, size_t max_block,
             std::vector<uint32_t>& slots) const;
  // The position of the family FAMILY_ID, or UINT32_MAX.
  uint32_t family(std::string_view family_id) const;
};

// The match module's way to a CohortIndex's data (friend of CohortIndex).
class IndexAccess {
 public:
  static const IndexData& data(const CohortIndex& index) { return *index.data_; }
};

}  // namespace sfcohort::match
