// The bulk lookup (sfcohort/batch.hpp) against a small cohort in an
// in-memory database: its output rows, summary, audit entry and progress.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "match/blocking.hpp"
#include "sfcohort/audit.hpp"
#include "sfcohort/batch.hpp"
#include "sfcohort/hash.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/store.hpp"

using namespace sfcohort;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "sfcohort-batch-XXXXXX").string();
    REQUIRE(mkdtemp(t.data()));
    path = t;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

void add(Store& s, const char* family, const char* id, const char* given, const char* surname,
         const char* dob, const char* postcode, const char* house) {
  testing::add_test_person(s, {family, id, given, "", surname, dob, postcode, house});
}

Store cohort() {
  Store s = testing::memory_store("lookup");
  add(s, "F1", "P1", "Jonathan", "Smith", "2009-03-14", "HD1 2AB", "12");
  add(s, "F1", "P2", "Robert", "Smith", "1980-05-02", "HD1 2AB", "12");
  add(s, "F2", "P3", "Katarzyna", "Nowak", "1990-11-03", "LS11 6AD", "Flat 3, 12");
  add(s, "F3", "P4", "Sean", "O'Brien", "1975-02-28", "WF13 1AB", "3");
  return s;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    v.push_back(text.substr(at, nl - at));
    at = nl == std::string::npos ? text.size() : nl + 1;
  }
  return v;
}

std::vector<AuditEntry> batch_entries(Store& s) {
  auto all = audit_entries(s, std::nullopt);
  REQUIRE(all.has_value());
  std::vector<AuditEntry> v;
  for (auto& e : *all)
    if (e.detail.value("mode", "") == "batch") v.push_back(e);
  return v;
}

const char* kInput =
    "upn,given_name,surname,dob,postcode,house\n"
    "A1,Jonathan,Smith,14/03/2009,hd12ab,12\n"
    "A2,Zed,Nobody,1901-01-01,,\n"
    "A3,Katarzyna,Nowak,1990-11-03,LS11 6AD,\"Flat 3, 12\"\n";

}  // namespace

TEST_CASE("batch: one row out per row in, in order, with a summary and an audit entry") {
  TempDir dir;
  Store s = cohort();
  BatchOptions opt;
  opt.input = dir.path + "/in.csv";
  opt.output = dir.path + "/out.csv";
  opt.audit_subject = "request from a partner";
  REQUIRE(write_file_atomic(opt.input, kInput).has_value());

  SUBCASE("CSV") {
    auto n = lookup_batch(s, opt);
    REQUIRE_MESSAGE(n, (n ? "" : n.error().message));
    CHECK(n->rows == 3);
    CHECK(n->exact == 2);
    CHECK(n->strong == 0);
    CHECK(n->possible == 0);
    CHECK(n->none == 1);
    CHECK(n->unreadable == 0);
    CHECK(n->sha256 == to_hex(sha256_file(opt.input).value()));

    auto out = lines_of(read_file(opt.output).value());
    REQUIRE(out.size() == 4);
    CHECK(out[0] ==
          "upn,given_name,surname,dob,postcode,house,match,score,family_id,person_id,candidates,"
          "why,household,status");
    CHECK(out[1].rfind("A1,Jonathan,Smith,14/03/2009,hd12ab,12,exact,", 0) == 0);
    CHECK(out[1].find(",F1,P1,") != std::string::npos);
    CHECK(out[1].substr(out[1].size() - 7) == ",active");
    CHECK(out[1].find("given_name=exact;surname=exact;dob=exact;postcode=exact;house=exact") !=
          std::string::npos);
    CHECK(out[2] == "A2,Zed,Nobody,1901-01-01,,,none,0.0000,,,0,,,");
    CHECK(out[3].rfind("A3,Katarzyna,Nowak,1990-11-03,LS11 6AD,\"Flat 3, 12\",exact,", 0) == 0);

    auto entries = batch_entries(s);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].subject == "request from a partner");
    CHECK(entries[0].detail["rows"] == 3);
    CHECK(entries[0].detail["exact"] == 2);
    CHECK(entries[0].detail["none"] == 1);
    CHECK(entries[0].detail["unreadable"] == 0);
    CHECK(entries[0].detail["sha256"] == n->sha256);
  }
  SUBCASE("JSON Lines: the partner's row under input, the answer under result") {
    REQUIRE(write_file_atomic(opt.input,
                              "given_name,surname,dob,match\n"
                              "Jonathan,Smith,2009-03-14,yes\n")
                .has_value());
    opt.format = BatchFormat::kJsonl;
    auto n = lookup_batch(s, opt);
    REQUIRE_MESSAGE(n, (n ? "" : n.error().message));
    auto out = lines_of(read_file(opt.output).value());
    REQUIRE(out.size() == 1);
    auto j = nlohmann::json::parse(out[0]);
    CHECK(j["schema"] == kJsonlSchema);
    CHECK(j["row"] == 2);
    CHECK(j["input"]["match"] == "yes");
    CHECK(j["input"].size() == 4);
    CHECK(j["result"]["match"] == "strong");
    CHECK(j["result"]["person_id"] == "P1");
    CHECK(j["result"]["family_id"] == "F1");
    CHECK(j["result"]["why"]["dob"] == "exact");
    CHECK(j["result"]["household"].is_array());
    CHECK(j.size() == 4);
    CHECK(j["result"].size() == 8);
  }
  SUBCASE("the minimum band leaves weaker matches out") {
    REQUIRE(write_file_atomic(opt.input, "given_name,surname,dob\nJonathan,Smith,2009-03-15\n")
                .has_value());
    opt.min_band = Band::kExact;
    auto n = lookup_batch(s, opt);
    REQUIRE(n.has_value());
    CHECK(n->exact == 0);
    CHECK(n->none == 1);
  }
}

TEST_CASE("batch: an unreadable row is reported and the batch goes on") {
  TempDir dir;
  Store s = cohort();
  BatchOptions opt;
  opt.input = dir.path + "/in.csv";
  opt.output = dir.path + "/out.csv";
  REQUIRE(write_file_atomic(opt.input,
                            "given_name,surname,dob\n"
                            "Jonathan,Smith,2009-03-14\n"
                            "Sean,\"O'Brien,1975-02-28\n")
              .has_value());
  auto n = lookup_batch(s, opt);
  REQUIRE_MESSAGE(n, (n ? "" : n.error().message));
  CHECK(n->rows == 2);
  CHECK(n->exact + n->strong == 1);
  CHECK(n->unreadable == 1);
  CHECK(n->unreadable_rows == std::vector<int64_t>{3});
  auto out = lines_of(read_file(opt.output).value());
  REQUIRE(out.size() == 3);
  CHECK(out[2].rfind(",,,error,0.0000,,,0,", 0) == 0);
  CHECK(out[2].find("a quoted field is not closed") != std::string::npos);
  auto entries = batch_entries(s);
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].subject == opt.input);
  CHECK(entries[0].detail["unreadable"] == 1);
}

TEST_CASE("batch: progress is reported while rows are read") {
  TempDir dir;
  Store s = cohort();
  BatchOptions opt;
  opt.input = dir.path + "/in.csv";
  opt.output = dir.path + "/out.csv";
  std::string text = "given_name,surname,dob\n";
  for (int i = 0; i < 600; ++i) text += "Robert,Smith,1980-05-02\n";
  REQUIRE(write_file_atomic(opt.input, text).has_value());
  std::vector<BatchProgress> seen;
  opt.progress = [&seen](const BatchProgress& p) { seen.push_back(p); };
  auto n = lookup_batch(s, opt);
  REQUIRE_MESSAGE(n, (n ? "" : n.error().message));
  CHECK(n->rows == 600);
  CHECK(n->strong == 600);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].rows == 256);
  CHECK(seen[1].rows == 512);
  CHECK(seen[0].input_bytes == text.size());
  CHECK(seen[0].bytes_read > 0);
  CHECK(seen[1].bytes_read >= seen[0].bytes_read);
  // Rows come back in input order across chunks and workers.
  auto out = lines_of(read_file(opt.output).value());
  CHECK(out.size() == 601);
}

TEST_CASE("batch: refusals leave no output and no audit entry") {
  TempDir dir;
  Store s = cohort();
  BatchOptions opt;
  opt.input = dir.path + "/in.csv";
  opt.output = dir.path + "/out.csv";
  SUBCASE("a missing input") {
    auto n = lookup_batch(s, opt);
    REQUIRE_FALSE(n.has_value());
    CHECK(n.error().code == Errc::kEnvironment);
  }
  SUBCASE("an empty input") {
    REQUIRE(write_file_atomic(opt.input, "").has_value());
    auto n = lookup_batch(s, opt);
    REQUIRE_FALSE(n.has_value());
    CHECK(n.error().code == Errc::kInvalidInput);
    CHECK(n.error().message.find("the file is empty") != std::string::npos);
  }
  SUBCASE("no column to look up by") {
    REQUIRE(write_file_atomic(opt.input, "upn,postcode\nA1,HD1 2AB\n").has_value());
    auto n = lookup_batch(s, opt);
    REQUIRE_FALSE(n.has_value());
    CHECK(n.error().code == Errc::kInvalidInput);
    CHECK(n.error().message.find("no column for surname among 'upn', 'postcode'") !=
          std::string::npos);
  }
  SUBCASE("the band none") {
    REQUIRE(write_file_atomic(opt.input, kInput).has_value());
    opt.min_band = Band::kNone;
    auto n = lookup_batch(s, opt);
    REQUIRE_FALSE(n.has_value());
    CHECK(n.error().code == Errc::kInvalidInput);
    CHECK(n.error().message.find("--") == std::string::npos);
  }
  CHECK_FALSE(file_exists(opt.output));
  CHECK(batch_entries(s).empty());
}

TEST_CASE("single lookup: the audit entry names the fields given, never their values") {
  Store s = cohort();
  LookupOptions lo;
  auto r = lookup_audited(s, {"Jonathan", "Smith", "2009-03-14", "HD1 2AB", ""}, lo);
  REQUIRE(r.has_value());
  REQUIRE_FALSE(r->matches.empty());
  CHECK(r->matches.front().person.id == "P1");
  auto all = audit_entries(s, std::nullopt);
  REQUIRE(all.has_value());
  REQUIRE_FALSE(all->empty());
  const AuditEntry& e = all->back();
  CHECK(e.subject == "P1");
  CHECK(e.detail["mode"] == "single");
  CHECK(e.detail["fields"] == nlohmann::json::array({"given_name", "surname", "dob", "postcode"}));
  CHECK(e.detail["band"] == "strong");
  CHECK(e.detail["matched"] == nlohmann::json::array({"P1"}));
  CHECK(e.detail.dump().find("Jonathan") == std::string::npos);

  auto j = lookup_json({"Jonathan", "Smith", "2009-03-14", "HD1 2AB", ""}, *r);
  CHECK(j["query"]["given_name"] == "Jonathan");
  CHECK(j["matches"][0]["person_id"] == "P1");
  CHECK(j["matches"][0]["band"] == "strong");
  CHECK(j["matches"][0]["why"]["surname"] == "exact");
  CHECK(j["candidates"] == r->candidates);
}
