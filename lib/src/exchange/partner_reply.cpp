#include "sfcohort/partner_reply.hpp"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "sfcohort/csv.hpp"
#include "sfcohort/io.hpp"

namespace sfcohort {
namespace {

// The columns `lookup --batch` appends after the input's own.
constexpr const char* kAppended[] = {"match",      "score", "family_id", "person_id",
                                     "candidates", "why",   "household", "status"};
constexpr size_t kNumAppended = sizeof kAppended / sizeof kAppended[0];

struct Known {
  std::string known = "no";
  std::string family;  // whose lead agency is disclosed
};

// Which families a partner may be told are known: those in the programme
// now, and closed ones only when the partner's profile allows history.
class Teller {
 public:
  Teller(Store& store, bool history) : store_(store), history_(history) {}
  Result<bool> known(const std::string& family_id) {
    if (history_) return true;
    if (auto it = closed_.find(family_id); it != closed_.end()) return !it->second;
    auto f = store_.family(family_id);
    if (!f) return f.error();
    const bool closed = *f && (*f)->status == "closed";
    if (closed_.size() > 100000) closed_.clear();  // bounded memory in long replies
    closed_.emplace(family_id, closed);
    return !closed;
  }

 private:
  Store& store_;
  bool history_;
  std::map<std::string, bool> closed_;
};

Result<Known> classify(Teller& teller, const std::string& band, const std::string& family_id,
                       const std::string& household) {
  Known k;
  if ((band == "exact" || band == "strong") && !family_id.empty()) {
    auto ok = teller.known(family_id);
    if (!ok) return ok.error();
    if (*ok) {
      k.known = "person";
      k.family = family_id;
      return k;
    }
  }
  std::vector<std::string> told;
  size_t start = 0;
  while (start < household.size()) {
    size_t end = household.find(';', start);
    if (end == std::string::npos) end = household.size();
    std::string id = household.substr(start, end - start);
    start = end + 1;
    if (id.empty()) continue;
    auto ok = teller.known(id);
    if (!ok) return ok.error();
    if (*ok) told.push_back(id);
  }
  if (!told.empty()) {
    k.known = "household";
    if (told.size() == 1) k.family = told.front();
  }
  return k;
}

Result<std::pair<std::string, std::string>> lead_of(Store& store, const std::string& family_id) {
  if (family_id.empty()) return std::pair<std::string, std::string>();
  auto f = store.family(family_id);
  if (!f) return f.error();
  if (!f->has_value()) return std::pair<std::string, std::string>();
  return std::pair<std::string, std::string>((*f)->lead_agency, (*f)->lead_contact);
}

}  // namespace

Result<std::vector<std::string>> write_partner_reply(Store& store, const std::string& full_path,
                                                     bool jsonl, const std::string& out_path,
                                                     const PartnerReplyOptions& opt) {
  Teller teller(store, opt.history);
  auto out = AtomicFile::create(out_path, 0600);
  if (!out) return out.error();
  std::set<std::string> disclosed;
  std::string buf;
  if (!jsonl) {
    auto reader = CsvReader::open(full_path);
    if (!reader) return reader.error();
    std::vector<std::string> row;
    auto h = reader->next(row);
    if (!h) return h.error();
    if (!*h || row.size() < kNumAppended) return internal_error("batch output has no header");
    const size_t nin = row.size() - kNumAppended;
    std::vector<std::string> header(row.begin(), row.begin() + static_cast<long>(nin));
    for (const char* c : {"match", "known", "lead_agency", "lead_contact"}) header.push_back(c);
    append_csv_row(buf, header);
    for (;;) {
      auto r = reader->next(row);
      if (!r) return r.error();
      if (!*r) break;
      row.resize(nin + kNumAppended);
      const std::string band = row[nin], family = row[nin + 2], household = row[nin + 6];
      auto k = classify(teller, band, family, household);
      if (!k) return k.error();
      if (opt.people && k->known == "person") opt.people->push_back({row[nin + 3], family, ""});
      auto lead = lead_of(store, k->family);
      if (!lead) return lead.error();
      if (!k->family.empty()) disclosed.insert(k->family);
      std::vector<std::string> o(row.begin(), row.begin() + static_cast<long>(nin));
      // A row in error never says "no" (it may not have been looked up), but
      // says what a lead contact beside it means: the household is known.
      o.push_back(band);
      o.push_back(band == "error" && k->known == "no" ? "" : k->known);
      o.push_back(lead->first);
      o.push_back(lead->second);
      append_csv_row(buf, o);
      if (buf.size() > (1 << 16)) {
        SF_TRY(out->write(buf));
        buf.clear();
      }
    }
  } else {
    std::FILE* f = std::fopen(full_path.c_str(), "rb");
    if (!f) return errno_error(full_path, "cannot read");
    std::string line;
    int c;
    auto flush_line = [&]() -> Status {
      if (line.empty()) return Ok{};
      auto j = nlohmann::json::parse(line, nullptr, false);
      line.clear();
      if (j.is_discarded() || !j.is_object())
        return internal_error("batch output is not JSON Lines");
      const std::string band = j.value("match", "");
      auto k = classify(teller, band, j.value("family_id", ""), j.value("household", ""));
      if (!k) return k.error();
      if (opt.people && k->known == "person")
        opt.people->push_back({j.value("person_id", ""), j.value("family_id", ""), ""});
      auto lead = lead_of(store, k->family);
      if (!lead) return lead.error();
      if (!k->family.empty()) disclosed.insert(k->family);
      for (const char* drop : kAppended) j.erase(drop);
      j["match"] = band;
      j["known"] = band == "error" ? "" : k->known;
      j["lead_agency"] = lead->first;
      j["lead_contact"] = lead->second;
      buf += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      buf += '\n';
      if (buf.size() > (1 << 16)) {
        SF_TRY(out->write(buf));
        buf.clear();
      }
      return Ok{};
    };
    while ((c = std::fgetc(f)) != EOF) {
      if (c == '\n') {
        if (auto s = flush_line(); !s) {
          std::fclose(f);
          return s.error();
        }
      } else {
        line += static_cast<char>(c);
      }
    }
    std::fclose(f);
    SF_TRY(flush_line());
  }
  SF_TRY(out->write(buf));
  SF_TRY(out->commit());
  return std::vector<std::string>(disclosed.begin(), disclosed.end());
}

}  // namespace sfcohort
