// `sfcohort-gen cohort`: households streamed to CSV, one family at a time.
//
// Each household is built the way such families are: a mother (or father,
// or grandparent) with children born a few years apart, sometimes a partner
// who is not the children's father, sometimes twins; the names follow the
// conventions of the family's community (Polish feminine surnames, Sikh
// Singh/Kaur, Somali patronymics, Pakistani wives keeping their own names).
#include <algorithm>
#include <cstdio>
#include <unordered_set>

#include "gen.hpp"

namespace gen {

namespace {

constexpr int64_t kYear = 365;

// Whole years from `from` to `to` (an age on a date).
int age_years(int64_t from, int64_t to) {
  const Ymd a = ymd_from_days(from), b = ymd_from_days(to);
  int y = b.y - a.y;
  if (b.m < a.m || (b.m == a.m && b.d < a.d)) --y;
  return y;
}

int64_t years_back(int64_t day, int years) {
  Ymd t = ymd_from_days(day);
  t.y -= years;
  if (t.m == 2 && t.d == 29 && !valid_ymd(t.y, 2, 29)) t.d = 28;
  return days_from_ymd(t.y, t.m, t.d);
}

bool is_mohammed(const std::string& s) {
  const std::string k = key_of(s);
  return k.rfind("moh", 0) == 0 || k.rfind("muh", 0) == 0;
}

struct Member {
  Person p;
  bool adult = false;
  bool bio_child_of_partner = false;
  int birth_group = -1;  // children born together (twins) share a group
};

struct Unit {
  std::string postcode, street, town;
  int next_number = 0, step = 2;
  int flat_building = 0, flats_used = 0;
  std::string last_house;
  bool init = false;
};

class CohortGen {
 public:
  explicit CohortGen(const CohortOptions& o) : o_(o), rng_(o.seed) {
    units_.resize(std::max<uint64_t>(1, o.people / 20));
  }

  // Fills members and the address of the next household.
  void household(std::vector<Member>& members, int64_t& joined, std::string& postcode,
                 std::string& house, std::string& address);

 private:
  struct Births {
    std::vector<int64_t> dob;
    std::vector<int> group;
  };
  Births plan_births(int64_t eldest, int64_t mother_dob, int64_t joined, int wanted);
  void name_children(std::vector<Member>& kids, const Community& c, const Member* father);
  // One household as it is being made: its communities, shape and members.
  struct Home {
    Home(const Community& family, const Community& partners) : c(family), pc(partners) {}
    const Community& c;   // the family's community
    const Community& pc;  // the partner's (usually the same)
    int64_t joined = 0;
    bool mixed = false;
    Naming naming = Naming::kWestern;
    enum Type { kAlone, kSingleParent, kCouple, kGrandCarer, kThreeGen } type = kAlone;
    int64_t mother_dob = 0;
    Births births;
    Member mother, partner;
    bool has_partner = false, partner_is_father = false, lone_father = false;
    std::vector<Member> kids;
    size_t from_ex = 0;  // children from here on are the couple's own
    int my = 0;          // the mother's year of birth
    std::string father_base, maiden, ex_base;
    bool married = false;
  };
  void plan_adults(Home& h);
  void plan_children(Home& h);
  void name_given(Home& h);
  void name_surnames(Home& h);
  void sikh_surnames(Home& h);
  void somali_surnames(Home& h);
  void western_surnames(Home& h);
  void children_surnames(Home& h);
  void name_adult_middles(Home& h);
  void january_births(Home& h);
  void pick_address(std::string& postcode, std::string& house, std::string& address);
  Unit& unit(size_t i);

  const CohortOptions& o_;
  Rng rng_;
  std::vector<Unit> units_;
  std::unordered_set<std::string> used_postcodes_;
};

// Children per household (1..6) and the years between births.
const Weighted& kids_dist() {
  static const Weighted w({22, 30, 22, 13, 8, 5});
  return w;
}
const Weighted& gap_dist() {
  static const Weighted w({30, 30, 20, 10, 6, 4});
  return w;
}
// Age of the eldest child when the family joins (0..17).
const Weighted& eldest_age_dist() {
  static const Weighted w({3, 4, 5, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 6, 5, 4, 3});
  return w;
}
// Mother's age at her first child: 17..40, young-skewed as in this cohort.
const Weighted& first_birth_dist() {
  static const Weighted w({5, 7, 8, 9, 9, 9, 8, 8, 7, 7, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1});
  return w;
}

CohortGen::Births CohortGen::plan_births(int64_t eldest, int64_t mother_dob, int64_t joined,
                                         int wanted) {
  Births b;
  int64_t day = eldest;
  int group = 0;
  while (static_cast<int>(b.dob.size()) < wanted && day <= joined) {
    if (age_years(mother_dob, day) > 46) break;
    int n = 1;
    const uint64_t r = rng_.below(10000);
    if (r < 3)
      n = 3;  // triplets
    else if (r < 160)
      n = 2;  // twins: about 1.6% of births
    for (int i = 0; i < n; ++i) {
      b.dob.push_back(day);
      b.group.push_back(group);
    }
    ++group;
    const int gap = static_cast<int>(gap_dist().pick(rng_));
    day += gap * kYear + 300 + static_cast<int64_t>(rng_.below(300));
  }
  return b;
}

Unit& CohortGen::unit(size_t i) {
  Unit& u = units_[i];
  if (u.init) return u;
  u.init = true;
  size_t d = district_dist().pick(rng_);
  for (int tries = 0; tries < 64; ++tries) {
    if (tries == 32) d = rng_.below(districts().size());  // a full district: go elsewhere
    u.postcode = random_postcode(rng_, d);
    if (used_postcodes_.insert(u.postcode).second) break;
  }
  const District& dist = districts()[d];
  u.town = rng_.pick(dist.towns);
  u.street = rng_.pick(street_stems()) + " " + rng_.pick(street_types());
  u.step = rng_.chance(800) ? 2 : 1;
  u.next_number = 1 + static_cast<int>(rng_.below(u.step == 2 ? 120 : 40));
  if (u.step == 2 && rng_.chance(500) && u.next_number % 2 == 0) ++u.next_number;
  return u;
}

void CohortGen::pick_address(std::string& postcode, std::string& house, std::string& address) {
  // A skewed choice: low-numbered units (estates, blocks) hold more families.
  const size_t n = units_.size();
  const size_t ui = std::min(rng_.below(n), rng_.below(n));
  Unit& u = unit(ui);
  postcode = u.postcode;
  const bool rural = [&] {
    for (const auto& d : districts())
      if (u.postcode.compare(0, d.outward.size() + 1, d.outward + " ") == 0) return d.rural;
    return false;
  }();
  const unsigned r = static_cast<unsigned>(rng_.below(1000));
  if (!u.last_house.empty() && r < 15) {
    house = u.last_house;  // a later family at the same address
  } else if (r < (rural ? 170u : 25u)) {
    house = rng_.pick(house_names());
    address = house + ", " + u.street + ", " + u.town;
    u.last_house = house;
    return;
  } else if (r < (rural ? 230u : 130u)) {
    if (u.flat_building == 0 || u.flats_used >= 12) {
      u.flat_building = u.next_number;
      u.next_number += u.step;
      u.flats_used = 0;
    }
    house = "Flat " + std::to_string(++u.flats_used) + ", " + std::to_string(u.flat_building);
  } else if (r < (rural ? 260u : 170u)) {
    house = std::to_string(u.next_number) + static_cast<char>('A' + rng_.below(2));
    u.next_number += u.step;
  } else {
    house = std::to_string(u.next_number);
    u.next_number += u.step;
  }
  u.last_house = house;
  if (house[0] >= '0' && house[0] <= '9')
    address = house + " " + u.street + ", " + u.town;
  else if (house.rfind("Flat ", 0) == 0)
    address = house + " " + u.street + ", " + u.town;
  else
    address = house + ", " + u.street + ", " + u.town;
}

// Given names for the children, avoiding repeats; twins sometimes get
// look-alike names, a son sometimes his father's name.
void CohortGen::name_children(std::vector<Member>& kids, const Community& c, const Member* father) {
  const bool muslim = c.naming == Naming::kSouthAsianMuslim;
  std::string mohammed;
  if (muslim && rng_.chance(450)) {
    static const char* forms[] = {"Mohammed", "Muhammad", "Mohammad", "Muhammed", "Mohamed"};
    static const Weighted fw({40, 35, 12, 8, 5});
    mohammed = forms[fw.pick(rng_)];
  }
  bool junior_done = !(father && c.naming == Naming::kWestern && rng_.chance(40));
  auto taken = [&](const std::string& g, size_t upto) {
    for (size_t j = 0; j < upto; ++j)
      if (kids[j].p.given == g) return true;
    return false;
  };
  for (size_t i = 0; i < kids.size(); ++i) {
    Member& k = kids[i];
    const int year = ymd_from_days(k.p.dob).y;
    const bool twin_first =
        i + 1 < kids.size() && kids[i + 1].birth_group == k.birth_group && k.birth_group >= 0;
    const bool twin_second = i > 0 && kids[i - 1].birth_group == k.birth_group;
    if (twin_first && rng_.chance(300)) {
      // Look-alike twin names: Laura and Lauren, Hassan and Hussain.
      const auto& pairs = similar_pairs();
      const SimilarPair* sp = nullptr;
      for (int t = 0; t < 8 && !sp; ++t) {
        const SimilarPair& cand = pairs[rng_.below(pairs.size())];
        if (community_uses(c, cand.a) && community_uses(c, cand.b)) sp = &cand;
      }
      if (sp) {
        const bool flip = rng_.chance(500);
        k.p.sex = flip ? sp->sex_b : sp->sex_a;
        kids[i + 1].p.sex = flip ? sp->sex_a : sp->sex_b;
        k.p.given = flip ? sp->b : sp->a;
        kids[i + 1].p.given = flip ? sp->a : sp->b;
        if (taken(k.p.given, i) || taken(kids[i + 1].p.given, i)) {
          k.p.given.clear();
          kids[i + 1].p.given.clear();
        }
      }
    }
    if (!k.p.given.empty()) continue;
    if (!junior_done && k.p.sex == 'M') {
      k.p.given = father->p.given;
      if (rng_.chance(300)) k.p.middle = father->p.middle;
      junior_done = true;
      continue;
    }
    if (!mohammed.empty() && k.p.sex == 'M' && rng_.chance(650)) {
      k.p.given = mohammed;
      for (int t = 0; t < 10; ++t) {
        k.p.middle = pick_given(rng_, c, 'M', year);
        if (is_mohammed(k.p.middle)) continue;
        bool dup = false;
        for (size_t j = 0; j < i; ++j)
          if (kids[j].p.middle == k.p.middle) dup = true;
        if (!dup) break;
      }
      continue;
    }
    if (i > 0 && !twin_second && rng_.chance(50)) {
      // A name echoing an older sibling's: Ryan after Rhys.
      for (const auto& sp : similar_pairs()) {
        const Member& prev = kids[i - 1];
        if (sp.a == prev.p.given && sp.sex_b == k.p.sex && !taken(sp.b, i) &&
            community_uses(c, sp.b))
          k.p.given = sp.b;
        else if (sp.b == prev.p.given && sp.sex_a == k.p.sex && !taken(sp.a, i) &&
                 community_uses(c, sp.a))
          k.p.given = sp.a;
        if (!k.p.given.empty()) break;
      }
      if (!k.p.given.empty()) continue;
    }
    for (int t = 0; t < 12; ++t) {
      k.p.given = pick_given(rng_, c, k.p.sex, year);
      if (!taken(k.p.given, i) && !(mohammed.size() && k.p.given == mohammed)) break;
    }
  }
  for (auto& k : kids)
    if (k.p.middle.empty())
      k.p.middle = pick_middle(rng_, c, k.p.sex, ymd_from_days(k.p.dob).y, k.p.given, false);
}

void CohortGen::household(std::vector<Member>& members, int64_t& joined, std::string& postcode,
                          std::string& house, std::string& address) {
  members.clear();
  joined = o_.start_date + static_cast<int64_t>(rng_.below(3 * kYear));
  const size_t ci = pick_community(rng_);
  const Community& c = communities()[ci];
  // Most couples share a community; some do not.
  const Community& pc = rng_.chance(70) ? communities()[pick_community(rng_)] : c;
  Home h(c, pc);
  h.joined = joined;
  h.mixed = &pc != &c;
  h.naming = h.mixed ? Naming::kWestern : c.naming;
  const unsigned r = static_cast<unsigned>(rng_.below(1000));
  h.type = r < 50    ? Home::kAlone
           : r < 540 ? Home::kSingleParent
           : r < 900 ? Home::kCouple
           : r < 930 ? Home::kGrandCarer
                     : Home::kThreeGen;

  // The timeline: eldest child, mother, later births.
  int64_t eldest = joined - static_cast<int64_t>(eldest_age_dist().pick(rng_)) * kYear -
                   static_cast<int64_t>(rng_.below(kYear));
  if (eldest > joined) eldest = joined;
  const int m0 = 17 + static_cast<int>(first_birth_dist().pick(rng_));
  h.mother_dob = years_back(eldest, m0) - static_cast<int64_t>(rng_.below(kYear));
  while (age_years(h.mother_dob, joined) < 18) h.mother_dob -= kYear;
  h.births =
      plan_births(eldest, h.mother_dob, joined, 1 + static_cast<int>(kids_dist().pick(rng_)));
  const bool keep_accents = c.keep_accents >= 1000 || rng_.chance(c.keep_accents);

  plan_adults(h);
  plan_children(h);
  name_given(h);
  name_surnames(h);
  name_adult_middles(h);
  january_births(h);

  members.push_back(std::move(h.mother));
  if (h.has_partner) members.push_back(std::move(h.partner));
  for (auto& k : h.kids) members.push_back(std::move(k));
  if (!keep_accents)
    for (auto& m : members) {
      m.p.given = fold_accents(m.p.given);
      m.p.middle = fold_accents(m.p.middle);
      m.p.surname = fold_accents(m.p.surname);
    }
  for (auto& m : members)
    if (m.p.surname.empty()) m.p.surname = pick_surname(rng_, c);  // never empty
  pick_address(postcode, house, address);
}

void CohortGen::plan_adults(Home& h) {
  Member& mother = h.mother;
  Member& partner = h.partner;
  const int64_t joined = h.joined;
  mother.adult = true;
  mother.p.sex = 'F';
  mother.p.dob = h.mother_dob;
  partner.adult = true;
  if (h.type == Home::kAlone) {
    // A young care leaver or a lone adult, no children in the household.
    h.births.dob.clear();
    h.births.group.clear();
    mother.p.sex = rng_.chance(550) ? 'F' : 'M';
    const int age = rng_.chance(500) ? 18 + static_cast<int>(rng_.below(8))
                                     : 26 + static_cast<int>(rng_.below(35));
    mother.p.dob = years_back(joined, age) - static_cast<int64_t>(rng_.below(kYear - 1)) - 1;
  } else if (h.type == Home::kSingleParent) {
    h.lone_father = rng_.chance(100);
    if (h.lone_father) {
      mother.p.sex = 'M';
      mother.p.dob -= static_cast<int64_t>(rng_.below(4 * kYear));
    }
  } else if (h.type == Home::kCouple) {
    h.has_partner = true;
    const bool same_sex = rng_.chance(15);
    partner.p.sex = same_sex ? 'F' : 'M';
    h.partner_is_father = !same_sex && rng_.chance(750);
    partner.p.dob = h.mother_dob - rng_.range(-3 * kYear, 9 * kYear);
    if (h.partner_is_father) {
      // Keep the father 17..50 years older than each child.
      for (int64_t b : h.births.dob) {
        if (age_years(partner.p.dob, b) < 17)
          partner.p.dob = years_back(b, 17) - 1 - rng_.below(200);
        if (age_years(partner.p.dob, b) > 49) partner.p.dob = years_back(b, 49) + rng_.below(200);
      }
    }
    while (age_years(partner.p.dob, joined) < 18) partner.p.dob -= kYear;
    if (rng_.chance(30)) {  // a couple whose children have left or not yet come
      h.births.dob.clear();
      h.births.group.clear();
    }
  } else if (h.type == Home::kGrandCarer) {
    // Grandparents bringing up grandchildren: the carer is the parent's parent.
    mother.p.dob = years_back(h.mother_dob, 18 + static_cast<int>(rng_.below(18))) -
                   static_cast<int64_t>(rng_.below(kYear));
    while (age_years(mother.p.dob, joined) > 76) mother.p.dob += kYear;
    if (rng_.chance(400)) {
      h.has_partner = true;
      partner.p.sex = 'M';
      partner.p.dob = mother.p.dob - rng_.range(-2 * kYear, 6 * kYear);
    }
  } else {  // kThreeGen: mother, her children and her own mother
    h.has_partner = true;
    partner.p.sex = 'F';
    partner.p.dob = years_back(h.mother_dob, 17 + static_cast<int>(rng_.below(20))) -
                    static_cast<int64_t>(rng_.below(kYear));
    while (age_years(partner.p.dob, joined) > 85 && age_years(partner.p.dob, h.mother_dob) > 18)
      partner.p.dob += kYear;
  }
}

void CohortGen::plan_children(Home& h) {
  auto& kids = h.kids;
  kids.resize(h.births.dob.size());
  for (size_t i = 0; i < kids.size(); ++i) {
    kids[i].p.dob = h.births.dob[i];
    kids[i].birth_group = h.births.group[i];
    kids[i].p.sex = rng_.chance(512) ? 'M' : 'F';
    if (i > 0 && kids[i].birth_group == kids[i - 1].birth_group && rng_.chance(300))
      kids[i].p.sex = kids[i - 1].p.sex;  // identical twins
  }
  // In a step-family the older children are from the mother's earlier
  // relationship and the younger ones (sometimes) the couple's own.
  h.from_ex = kids.size();
  if (h.type == Home::kCouple && !h.partner_is_father && !kids.empty()) {
    if (h.partner.p.sex == 'M' && kids.size() >= 2 && rng_.chance(400)) {
      h.from_ex = kids.size() - 1;
      while (h.from_ex > 1 && kids[h.from_ex].birth_group == kids[h.from_ex - 1].birth_group)
        --h.from_ex;
    }
  }
  for (size_t i = 0; i < kids.size(); ++i)
    kids[i].bio_child_of_partner =
        h.partner_is_father || (i >= h.from_ex && h.type == Home::kCouple);
}

void CohortGen::name_given(Home& h) {
  Member& mother = h.mother;
  Member& partner = h.partner;
  h.my = ymd_from_days(mother.p.dob).y;
  mother.p.given = pick_given(rng_, h.c, mother.p.sex, h.my);
  if (h.has_partner) {
    const Community& who = (h.type == Home::kThreeGen || h.type == Home::kGrandCarer) ? h.c : h.pc;
    partner.p.given = pick_given(rng_, who, partner.p.sex, ymd_from_days(partner.p.dob).y);
    if (partner.p.given == mother.p.given)
      partner.p.given = pick_given(rng_, who, partner.p.sex, ymd_from_days(partner.p.dob).y);
  }
  // Children of a mixed couple are named from either side.
  const Community& kc = (h.mixed && h.type == Home::kCouple && rng_.chance(500)) ? h.pc : h.c;
  name_children(h.kids, kc, (h.type == Home::kCouple && h.partner_is_father) ? &partner : nullptr);
}

// Surnames (and Singh/Kaur middles) by the family's naming custom.
void CohortGen::name_surnames(Home& h) {
  const Community& c = h.c;
  h.father_base = pick_surname(rng_, h.pc);
  h.maiden = pick_surname(rng_, c);
  h.ex_base = pick_surname(rng_, rng_.chance(800) ? c : communities()[pick_community(rng_)]);
  h.married = h.has_partner && h.partner.p.sex == 'M' && rng_.chance(550);
  if (h.naming == Naming::kSikh) {
    sikh_surnames(h);
  } else if (h.naming == Naming::kSomali) {
    somali_surnames(h);
  } else {
    western_surnames(h);
  }
  // Polish twins of different sexes: Kowalski and Kowalska.
  auto& kids = h.kids;
  if (h.naming == Naming::kPolish)
    for (size_t i = 1; i < kids.size(); ++i)
      if (kids[i].birth_group == kids[i - 1].birth_group) {
        std::string m = kids[i - 1].p.surname;
        if (m.size() > 1 && m.back() == 'a' && kids[i - 1].p.sex == 'F')
          m = m.substr(0, m.size() - 1) + "i";
        kids[i].p.surname = surname_for_sex(c, m, kids[i].p.sex);
      }
}

void CohortGen::sikh_surnames(Home& h) {
  std::string family;
  do family = h.c.surnames.pick(rng_);
  while (family == "Singh");
  const bool style = rng_.chance(450);  // Singh/Kaur used as surnames
  auto sikh = [&](Member& m, bool as_child) {
    const std::string title = m.p.sex == 'M' ? "Singh" : "Kaur";
    if (style || (!as_child && m.p.sex == 'F' && rng_.chance(500))) {
      m.p.surname = title;
    } else {
      m.p.surname = family;
      if (rng_.chance(as_child ? 700 : 800)) m.p.middle = title;
    }
  };
  sikh(h.mother, false);
  if (h.has_partner) sikh(h.partner, false);
  for (auto& k : h.kids) sikh(k, true);
}

// Patronymic: father "Abdi Farah", his children "... Abdi".
void CohortGen::somali_surnames(Home& h) {
  const Community& c = h.c;
  Member& mother = h.mother;
  Member& partner = h.partner;
  mother.p.surname = c.male_old.pick(rng_);
  if (h.has_partner) partner.p.surname = c.male_old.pick(rng_);
  const std::string kids_name = h.partner_is_father ? partner.p.given
                                : h.lone_father     ? mother.p.given
                                                    : c.male_old.pick(rng_);
  for (size_t i = 0; i < h.kids.size(); ++i)
    h.kids[i].p.surname = (i >= h.from_ex && h.type == Home::kCouple) ? partner.p.given : kids_name;
  if (h.type == Home::kGrandCarer)
    for (auto& k : h.kids) k.p.surname = mother.p.sex == 'M' ? mother.p.given : k.p.surname;
}

// Western, Polish and South Asian Muslim share the shape; they differ in
// whether a wife takes her husband's name.
void CohortGen::western_surnames(Home& h) {
  const Community& c = h.c;
  Member& mother = h.mother;
  Member& partner = h.partner;
  auto sx = [&](const std::string& base, char sex) { return surname_for_sex(c, base, sex); };
  if (h.has_partner && h.type == Home::kCouple) {
    partner.p.surname = sx(h.father_base, partner.p.sex);
    if (h.naming == Naming::kSouthAsianMuslim) {
      if (rng_.chance(450))
        mother.p.surname = h.father_base;
      else
        mother.p.surname = (!c.female_surnames.empty() && rng_.chance(450))
                               ? c.female_surnames.pick(rng_)
                               : h.maiden;
    } else if (h.married ||
               (h.naming == Naming::kPolish && partner.p.sex == 'M' && rng_.chance(600))) {
      mother.p.surname = rng_.chance(30) ? h.maiden + "-" + h.father_base : sx(h.father_base, 'F');
    } else {
      mother.p.surname = sx(h.maiden, 'F');
    }
  } else if (h.type == Home::kSingleParent && !h.lone_father) {
    mother.p.surname = rng_.chance(350) ? sx(h.ex_base, 'F') : sx(h.maiden, 'F');
  } else {
    mother.p.surname = sx(h.maiden, mother.p.sex);
  }
  if (h.type == Home::kSingleParent && h.lone_father)
    mother.p.surname = sx(h.father_base, 'M'), h.ex_base = h.father_base;
  children_surnames(h);
  if (h.type == Home::kThreeGen)
    partner.p.surname = rng_.chance(400) ? mother.p.surname : sx(pick_surname(rng_, c), 'F');
  if (h.type == Home::kGrandCarer && h.has_partner) partner.p.surname = mother.p.surname;
}

void CohortGen::children_surnames(Home& h) {
  const Member& mother = h.mother;
  auto& kids = h.kids;
  const bool unmarried = !h.married && h.naming == Naming::kWestern;
  for (size_t i = 0; i < kids.size(); ++i) {
    Member& k = kids[i];
    std::string base;
    if (h.type == Home::kCouple && k.bio_child_of_partner && h.partner.p.sex == 'M') {
      const unsigned rr = static_cast<unsigned>(rng_.below(1000));
      if (!unmarried || rr < 650)
        base = h.father_base;
      else if (rr < 900)
        base = mother.p.surname;
      else
        base = mother.p.surname + "-" + h.father_base;
    } else if (h.type == Home::kGrandCarer) {
      base = rng_.chance(500) ? mother.p.surname : h.ex_base;
    } else if (h.type == Home::kSingleParent && h.lone_father) {
      base = h.father_base;
    } else {
      // The mother's earlier relationship, or her own name.
      const unsigned rr = static_cast<unsigned>(rng_.below(1000));
      if (h.naming == Naming::kSouthAsianMuslim || h.naming == Naming::kPolish)
        base = h.ex_base;
      else if (rr < 500)
        base = h.ex_base;
      else if (rr < 920)
        base = mother.p.surname;
      else
        base = mother.p.surname + "-" + h.ex_base;
    }
    // Twins and triplets always share a surname.
    if (i > 0 && kids[i - 1].birth_group == k.birth_group) {
      k.p.surname = kids[i - 1].p.surname;
      if (h.naming == Naming::kPolish)
        k.p.surname = surname_for_sex(h.c, kids[i - 1].p.surname, k.p.sex);
      continue;
    }
    k.p.surname = surname_for_sex(h.c, base, k.p.sex);
  }
}

void CohortGen::name_adult_middles(Home& h) {
  const Community& c = h.c;
  Member& mother = h.mother;
  Member& partner = h.partner;
  if (mother.p.middle.empty())
    mother.p.middle = pick_middle(rng_, c, mother.p.sex, h.my, mother.p.given, true);
  if (h.has_partner && partner.p.middle.empty())
    partner.p.middle = pick_middle(rng_, (h.type == Home::kCouple) ? h.pc : c, partner.p.sex,
                                   ymd_from_days(partner.p.dob).y, partner.p.given, true);
  if (!h.mixed && c.naming == Naming::kSouthAsianMuslim && h.has_partner && partner.p.sex == 'M' &&
      rng_.chance(250)) {
    partner.p.given = "Mohammed";
    if (partner.p.middle.empty() || is_mohammed(partner.p.middle)) do
        partner.p.middle = pick_given(rng_, c, 'M', 1980);
      while (is_mohammed(partner.p.middle));
  }
}

// Recorded as born on 1 January (date unknown on arrival).
void CohortGen::january_births(Home& h) {
  const Community& c = h.c;
  Member& mother = h.mother;
  Member& partner = h.partner;
  auto& kids = h.kids;
  auto ok_as_parent = [&](int64_t d, const Member& m) {
    for (const auto& k : kids)
      if (&m == &mother || (h.has_partner && &m == &partner && k.bio_child_of_partner)) {
        const int a = age_years(d, k.p.dob);
        if (a < 17 || a > 50) return false;
      }
    return true;
  };
  auto jan1 = [](int64_t d) { return days_from_ymd(ymd_from_days(d).y, 1, 1); };
  if (rng_.chance(c.jan1_adult) && ok_as_parent(jan1(mother.p.dob), mother))
    mother.p.dob = jan1(mother.p.dob);
  if (h.has_partner && rng_.chance(c.jan1_adult) && ok_as_parent(jan1(partner.p.dob), partner))
    partner.p.dob = jan1(partner.p.dob);
  if (c.jan1_adult < 100 || !rng_.chance(250)) return;
  // A family that arrived together: children born abroad also get 1 January.
  const int64_t arrived = h.joined - static_cast<int64_t>(rng_.below(8 * kYear));
  for (size_t i = 0; i < kids.size(); ++i) {
    if (kids[i].p.dob >= arrived) continue;
    const int64_t d = jan1(kids[i].p.dob);
    bool clash = false;
    for (size_t j = 0; j < kids.size(); ++j)
      if (j != i && kids[j].birth_group != kids[i].birth_group &&
          (kids[j].p.dob == d || jan1(kids[j].p.dob) == d))
        clash = true;
    const int a = age_years(mother.p.dob, d);
    if (!clash && a >= 17 && a <= 50 &&
        !(h.partner_is_father && (age_years(partner.p.dob, d) < 17)))
      kids[i].p.dob = d;
  }
  // Twins stay twins.
  for (size_t i = 1; i < kids.size(); ++i)
    if (kids[i].birth_group == kids[i - 1].birth_group) kids[i].p.dob = kids[i - 1].p.dob;
}

void write_id(CsvOut& out, char prefix, uint64_t n) {
  char b[32];
  std::snprintf(b, sizeof b, "%c%07llu", prefix, static_cast<unsigned long long>(n));
  out.raw(b);
}

}  // namespace

int run_cohort(const CohortOptions& o) {
  OutFile f(o.out);
  if (!f.get()) {
    std::fprintf(stderr, "sfcohort-gen: error: %s: cannot write\n", o.out.c_str());
    return 3;
  }
  CohortGen g(o);
  {
    CsvOut out(f.get());
    out.raw(
        "family_id,person_id,given_name,middle_names,surname,sex,dob,postcode,house,address,role,"
        "joined_on");
    out.end_row();
    std::vector<Member> members;
    std::string postcode, house, address;
    int64_t joined = 0;
    uint64_t written = 0, family = 0;
    while (written < o.people) {
      g.household(members, joined, postcode, house, address);
      ++family;
      const std::string joined_s = iso_date(joined);
      for (const auto& m : members) {
        if (written == o.people) break;
        ++written;
        write_id(out, 'F', family);
        out.sep();
        write_id(out, 'P', written);
        out.sep();
        out.field(m.p.given);
        out.sep();
        out.field(m.p.middle);
        out.sep();
        out.field(m.p.surname);
        out.sep();
        out.raw(m.p.sex == 'M' ? "M" : "F");
        out.sep();
        out.raw(iso_date(m.p.dob));
        out.sep();
        out.raw(postcode);
        out.sep();
        out.field(house);
        out.sep();
        out.field(address);
        out.sep();
        out.raw(m.adult ? "adult" : "child");
        out.sep();
        out.raw(joined_s);
        out.end_row();
      }
    }
    if (!out.flush()) {
      std::fprintf(stderr, "sfcohort-gen: error: %s: write failed\n", o.out.c_str());
      return 3;
    }
  }
  if (!f.commit()) {
    std::fprintf(stderr, "sfcohort-gen: error: %s: write failed\n", o.out.c_str());
    return 3;
  }
  return 0;
}

}  // namespace gen
