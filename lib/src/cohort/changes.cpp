#include "cohort/changes.hpp"

#include <nlohmann/json.hpp>

#include "db/person_history.hpp"
#include "sfcohort/csv.hpp"

namespace sfcohort::changes {

Status Log::open(const std::string& path) {
  auto ends = [&](const std::string& x) {
    return path.size() >= x.size() && path.compare(path.size() - x.size(), x.size(), x) == 0;
  };
  jsonl_ = ends(".jsonl") || ends(".ndjson");
  auto f = AtomicFile::create(path, 0600);
  if (!f) return f.error();
  file_.emplace(std::move(*f));
  if (!jsonl_) append_csv_row(buf_, {"change", "family_id", "person_id", "field", "old", "new"});
  return Ok{};
}

Status Log::add(const char* change, const std::string& family_id, const std::string& person_id,
                const std::string& field, const std::string& old_value,
                const std::string& new_value) {
  if (!file_) return Ok{};
  if (jsonl_) {
    nlohmann::ordered_json j = {{"change", change},       {"family_id", family_id},
                                {"person_id", person_id}, {"field", field},
                                {"old", old_value},       {"new", new_value}};
    buf_ += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    buf_ += '\n';
  } else {
    append_csv_row(buf_, {change, family_id, person_id, field, old_value, new_value});
  }
  if (buf_.size() <= (1 << 16)) return Ok{};
  SF_TRY(file_->write(buf_));
  buf_.clear();
  return Ok{};
}

Status Log::updated(const Person& was, const Person& now) {
  auto opt = [](const std::optional<std::string>& v) { return v.value_or(""); };
  const std::pair<const char*, std::pair<std::string, std::string>> fields[] = {
      {"given_name", {was.given_name, now.given_name}},
      {"middle_names", {was.middle_names, now.middle_names}},
      {"surname", {was.surname, now.surname}},
      {"dob", {was.dob, now.dob}},
      {"sex", {was.sex, now.sex}},
      {"role", {was.role, now.role}},
      {"postcode", {was.postcode, now.postcode}},
      {"house", {was.house, now.house}},
      {"address", {was.address, now.address}},
      {"joined_on", {opt(was.joined_on), opt(now.joined_on)}},
      {"extra", {was.extra, now.extra}},
  };
  for (const auto& [name, v] : fields) {
    if (v.first == v.second) continue;
    if (store_) SF_TRY(db::record_person_change(*store_, was.pk, name, v.first, v.second, at_));
    SF_TRY(add("updated", now.family_id, now.id, name, v.first, v.second));
  }
  return Ok{};
}

Status Log::commit() {
  if (!file_) return Ok{};
  SF_TRY(file_->write(buf_));
  buf_.clear();
  return file_->commit();
}

}  // namespace sfcohort::changes
