// Eligibility criteria as data. A criteria set (schema/criteria/<name>.json,
// compiled in, or a file a council adapted) declares its indicator
// vocabulary, its criteria (headline problems) made of needs, and rules in a
// small language; evaluate() applies it to a household's evidence as of a
// date and explains every criterion, met or not. The language is documented
// in sfcohort-criteria(5).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sfcohort/result.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::criteria {

// One code of a set's vocabulary, e.g. school_attendance_pct.
struct Indicator {
  std::string code;
  std::string label;        // short, for explanations: "attendance"
  std::string description;  // what the evidence means, for the man page and template
  bool takes_value = false;
  std::string unit;  // "%" or "" when the value is a plain number
};

// A household member as the rules see it. id is the nomination's member id
// or, for a family in the database, the person id.
struct Member {
  std::string id;
  std::string name;  // for explanations only: "Liam Hirst"
  std::optional<Date> dob;
  std::string role;  // adult | child
  std::string relationship;
  bool resident = true;  // false: a non-resident parent
};

// One piece of evidence. member is empty for household-level evidence
// (e.g. a sanctuary scheme referral).
struct Evidence {
  std::string indicator;
  std::string member;
  Date date;
  std::optional<double> value;
  std::string source;
};

struct Household {
  std::vector<Member> members;
  std::vector<Evidence> evidence;
};

// A member and a piece of evidence as the criteria see them, from the
// fields a store holds: the name is the id when the given name is empty;
// a date that does not parse is left unset (dob) or the epoch (evidence).
Member member_from(const std::string& id, const std::string& given_name, const std::string& dob,
                   const std::string& role);
Evidence evidence_from(const std::string& indicator, const std::string& member,
                       const std::string& date, std::optional<double> value,
                       const std::string& source);

// One reason a criterion or need is met.
struct Because {
  std::string indicator;
  std::string member;  // member id, or "" for the household or several members
  std::string detail;  // "attendance 84.5% < 90% on 2018-03-31"
};

struct NeedResult {
  std::string id;  // "2a"
  std::string title;
  bool met = false;
  bool counted = true;  // false when capped by the non-resident parent rule
  std::vector<Because> because;
  std::vector<std::string> why_not;  // when not met: the nearest misses
};

struct CriterionResult {
  int id = 0;
  std::string title;
  bool met = false;
  bool counted = true;  // false when capped by the non-resident parent rule
  std::vector<Because> because;
  std::vector<std::string> why_not;  // "no evidence" or the nearest misses
  std::vector<NeedResult> needs;
};

struct Outcome {
  std::string criteria_set;
  std::string title;
  Date as_of;
  std::string count;  // "criteria" or "needs": what the threshold counts
  int threshold = 0;
  int counted = 0;                     // criteria (or needs) met and counted
  std::vector<int> met;                // ids of the criteria met and counted
  std::vector<std::string> needs_met;  // ids of the needs met and counted
  bool requirement_met = true;         // the set's household requirement (e.g. a dependent child)
  std::string requirement;             // what it is, "" when the set has none
  bool eligible = false;
  std::vector<CriterionResult> criteria;
  std::vector<std::string> notes;
};

class CriteriaSet {
 public:
  // A shipped set by NAME ("kirklees-2015"), or a file when the argument
  // contains a '/' or ends in ".json". Unknown name: kInvalidInput naming the
  // shipped sets; unreadable file: kEnvironment; a malformed set:
  // kInvalidInput naming the JSON path.
  static Result<CriteriaSet> load(const std::string& name_or_path);
  // Parses the JSON text of a set; LABEL prefixes error messages.
  static Result<CriteriaSet> parse(const std::string& text, const std::string& label);
  // The names of the shipped sets, sorted, and the default one.
  static std::vector<std::string> shipped();
  static constexpr const char* kDefault = "kirklees-2015";

  CriteriaSet(CriteriaSet&&) noexcept;
  CriteriaSet& operator=(CriteriaSet&&) noexcept;
  ~CriteriaSet();

  const std::string& name() const;
  const std::string& title() const;
  // The set's JSON text as loaded (for `make install` readers and tests).
  const std::string& source_text() const;
  const std::vector<Indicator>& indicators() const;
  const Indicator* indicator(const std::string& code) const;
  // Up to three codes nearest CODE by edit distance, nearest first; empty
  // when none is close enough to be a plausible typo.
  std::vector<std::string> nearest(const std::string& code) const;
  // "criteria" or "needs": what the threshold counts.
  std::string count_mode() const;
  // Counts MODE ("criteria": headline areas, or "needs") instead of what the
  // set says; anything else is kInvalidInput.
  Status set_count_mode(const std::string& mode);
  int threshold() const;
  // "2 or more of 6", "3 or more needs".
  std::string summary() const;
  // The title of criterion ID, or "" when there is none.
  std::string criterion_title(int id) const;

  // Applies the set to H as of AS_OF. Evidence dated after AS_OF is ignored
  // (and noted). Never fails: an indicator the set does not know is ignored
  // with a note (nominations are validated before they get here).
  Outcome evaluate(const Household& h, const Date& as_of) const;

  struct Impl;

 private:
  explicit CriteriaSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfcohort::criteria
