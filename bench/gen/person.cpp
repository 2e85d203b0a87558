// Naming people the way each community does, and the output file helper.
#include <unistd.h>
#include <algorithm>
#include <cstdio>

#include "gen.hpp"

namespace gen {

OutFile::OutFile(const std::string& path) : path_(path) {
  if (path == "-") {
    f_ = stdout;
    return;
  }
  tmp_ = path + ".tmp." + std::to_string(getpid());
  f_ = std::fopen(tmp_.c_str(), "wb");
}

OutFile::~OutFile() {
  if (f_ && f_ != stdout) {
    std::fclose(f_);
    std::remove(tmp_.c_str());
  }
}

bool OutFile::commit() {
  if (!f_) return false;
  if (f_ == stdout) return std::fflush(stdout) == 0;
  const bool ok = std::fflush(f_) == 0 && !std::ferror(f_);
  const bool closed = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!ok || !closed || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_.c_str());
    return false;
  }
  return true;
}

size_t pick_community(Rng& rng) {
  static const Weighted w = [] {
    std::vector<uint64_t> ws;
    for (const auto& c : communities()) ws.push_back(c.weight);
    return Weighted(ws);
  }();
  return w.pick(rng);
}

std::string pick_given(Rng& rng, const Community& c, char sex, int birth_year) {
  const bool young = birth_year >= 1995;
  // A few people straddle the fashions of the two eras.
  const bool swap = rng.chance(80);
  const bool use_young = swap ? !young : young;
  if (sex == 'M') return (use_young ? c.male_young : c.male_old).pick(rng);
  return (use_young ? c.female_young : c.female_old).pick(rng);
}

std::string pick_surname(Rng& rng, const Community& c) {
  if (c.name == "english") {
    // The long tail: many rare local surnames, and some double-barrelled ones.
    if (rng.chance(300)) return rare_english_surname(rng);
    if (rng.chance(25)) {
      std::string a = c.surnames.pick(rng), b = c.surnames.pick(rng);
      if (a != b) return a + "-" + b;
    }
  }
  return c.surnames.pick(rng);
}

std::string surname_for_sex(const Community& c, const std::string& base, char sex) {
  if (c.naming != Naming::kPolish || sex != 'F') return base;
  if (base.size() > 2 && base.compare(base.size() - 2, 2, "ki") == 0)
    return base.substr(0, base.size() - 1) + "a";
  return base;
}

namespace {
const NameList& english_middle(char sex) {
  static const NameList f = [] {
    NameList l;
    l.names = split_list(
        "Louise, Marie, Jane, Ann, Elizabeth, Rose, Mae, Grace, May, Lily, Jayne, Anne, "
        "Victoria, Leigh, Jade, Hope, Faith, Louisa, Ellen, Joy, Kate, Frances, Amelia, Mary");
    l.dist = Weighted(zipf_weights(l.names.size(), 2));
    return l;
  }();
  static const NameList m = [] {
    NameList l;
    l.names = split_list(
        "James, John, Lee, Paul, David, Michael, Thomas, William, Anthony, Robert, Peter, "
        "Edward, George, Alan, Jack, Dean, Joseph, Ray, Stephen, Charles, Arthur, Daniel");
    l.dist = Weighted(zipf_weights(l.names.size(), 2));
    return l;
  }();
  return sex == 'M' ? m : f;
}
}  // namespace

std::string pick_middle(Rng& rng, const Community& c, char sex, int birth_year,
                        const std::string& given, bool adult) {
  if (!rng.chance(adult ? c.middle_adult : c.middle_child)) return {};
  const int count = (c.naming == Naming::kWestern && rng.chance(100)) ? 2 : 1;
  std::string out;
  for (int i = 0; i < count; ++i) {
    std::string m;
    for (int tries = 0; tries < 8; ++tries) {
      m = (c.name == "english" && rng.chance(500)) ? english_middle(sex).pick(rng)
                                                   : pick_given(rng, c, sex, birth_year);
      // Not the given name again, nor a spelling of it (Ayesha Aisha).
      const std::string km = key_of(m), kg = key_of(given);
      const auto alts = given_spellings().alternatives(given, sex);
      const bool echo =
          km.compare(0, 3, kg, 0, 3) == 0 || std::find(alts.begin(), alts.end(), m) != alts.end();
      if (!echo && out.find(m) == std::string::npos) break;
      m.clear();
    }
    if (m.empty()) continue;
    if (!out.empty()) out += ' ';
    out += m;
  }
  return out;
}

Person random_person(Rng& rng, int64_t ref, bool adult) {
  const Community& c = communities()[pick_community(rng)];
  Person p;
  p.sex = rng.chance(500) ? 'M' : 'F';
  const int64_t age_days = adult ? rng.range(18 * 365 + 5, 62 * 365) : rng.range(0, 18 * 365 - 5);
  p.dob = ref - age_days;
  if (adult && rng.chance(c.jan1_adult)) {
    const Ymd t = ymd_from_days(p.dob);
    p.dob = days_from_ymd(t.y, 1, 1);
  }
  const int year = ymd_from_days(p.dob).y;
  p.given = pick_given(rng, c, p.sex, year);
  p.middle = pick_middle(rng, c, p.sex, year, p.given, adult);
  if (c.naming == Naming::kSikh) {
    p.surname =
        rng.chance(450) ? std::string(p.sex == 'M' ? "Singh" : "Kaur") : pick_surname(rng, c);
  } else if (c.naming == Naming::kSomali) {
    p.surname = c.male_old.pick(rng);
  } else {
    p.surname = surname_for_sex(c, pick_surname(rng, c), p.sex);
  }
  if (c.keep_accents < 1000 && !rng.chance(c.keep_accents)) {
    p.given = fold_accents(p.given);
    p.middle = fold_accents(p.middle);
    p.surname = fold_accents(p.surname);
  }
  return p;
}

}  // namespace gen
