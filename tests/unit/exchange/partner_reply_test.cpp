#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/partner_reply.hpp"

using namespace sfcohort;

namespace {
std::string slurp(const std::string& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
}  // namespace

TEST_CASE("partner reply: only the band, known and the lead agency leave the team") {
  Store store = testing::memory_store();
  for (const char* id : {"F1", "F2", "F3"}) {
    Family f;
    f.id = id;
    f.lead_agency = std::string("Agency ") + id;
    f.lead_contact = std::string("01484 00000") + id[1];
    REQUIRE(store.put_family(f).has_value());
  }
  const std::string full = "/tmp/sfcohort-reply-full.csv", out = "/tmp/sfcohort-reply-out.csv";
  REQUIRE(
      write_file_atomic(full,
                        "upn,given_name,match,score,family_id,person_id,candidates,why,household,"
                        "status\n"
                        "A1,Jon,strong,0.9731,F1,P3,1,given_name=variant;dob=exact,F1,active\n"
                        "A2,Amy,possible,0.7000,F2,P9,2,given_name=fuzzy,,active\n"
                        "A3,Lauren,none,0.0000,,,0,,F3,\n"
                        "A4,Zed,none,0.0000,,,0,,F2;F3,\n"
                        "A5,,error,0.0000,,,0,unreadable,,\n"
                        "A6,Tia,error,0.7000,F3,P7,1,dob not a date,F3,active\n")
          .has_value());
  auto disclosed = write_partner_reply(store, full, false, out);
  REQUIRE(disclosed.has_value());
  CHECK(slurp(out) ==
        "upn,given_name,match,known,lead_agency,lead_contact\n"
        "A1,Jon,strong,person,Agency F1,01484 000001\n"
        "A2,Amy,possible,no,,\n"
        "A3,Lauren,none,household,Agency F3,01484 000003\n"
        "A4,Zed,none,household,,\n"
        "A5,,error,,,\n"
        // A row in error whose household was found on its other fields: the
        // lead contact comes with what it means.
        "A6,Tia,error,household,Agency F3,01484 000003\n");
  CHECK(*disclosed == std::vector<std::string>{"F1", "F3"});
  const std::string text = slurp(out);
  for (const char* secret : {"P3", "0.9731", "variant", "P9", "F2"}) {
    CAPTURE(secret);
    CHECK(text.find(secret) == std::string::npos);
  }

  REQUIRE(write_file_atomic(
              full,
              "{\"row\":1,\"upn\":\"A1\",\"match\":\"strong\",\"score\":0.97,\"family_id\":\"F1\","
              "\"person_id\":\"P3\",\"candidates\":1,\"why\":{\"dob\":\"exact\"},\"household\":"
              "\"F1\"}\n")
              .has_value());
  auto j = write_partner_reply(store, full, true, out);
  REQUIRE(j.has_value());
  CHECK(slurp(out) ==
        "{\"known\":\"person\",\"lead_agency\":\"Agency F1\",\"lead_contact\":\"01484 000001\","
        "\"match\":\"strong\",\"row\":1,\"upn\":\"A1\"}\n");
  std::remove(full.c_str());
  std::remove(out.c_str());
}

TEST_CASE("partner reply: a closed family is not currently known, unless the profile has history") {
  Context ctx;
  auto store = Store::open_memory(ctx);
  REQUIRE(store.has_value());
  for (const char* id : {"F1", "F2"}) {
    Family f;
    f.id = id;
    f.lead_agency = std::string("Agency ") + id;
    REQUIRE(store->put_family(f).has_value());
  }
  REQUIRE(store
              ->record_family_status("F1", {"closed", "2025-12-31", "moved to Leeds", "moved_away",
                                            "2026-01-01T00:00:00Z", "tester"})
              .has_value());
  const std::string full = "/tmp/sfcohort-reply-closed.csv", out = "/tmp/sfcohort-reply-c.csv";
  REQUIRE(write_file_atomic(full,
                            "upn,match,score,family_id,person_id,candidates,why,household,status\n"
                            "A1,strong,0.97,F1,P3,1,dob=exact,F1,closed\n"
                            "A2,none,0.0,,,0,,F1;F2,\n"
                            "A3,none,0.0,,,0,,F1,\n")
              .has_value());
  auto d = write_partner_reply(*store, full, false, out);
  REQUIRE(d.has_value());
  CHECK(slurp(out) ==
        "upn,match,known,lead_agency,lead_contact\n"
        "A1,strong,no,,\n"
        "A2,none,household,Agency F2,\n"
        "A3,none,no,,\n");
  CHECK(*d == std::vector<std::string>{"F2"});
  for (const char* secret : {"moved", "Leeds", "closed", "F1"}) {
    CAPTURE(secret);
    CHECK(slurp(out).find(secret) == std::string::npos);
  }
  PartnerReplyOptions history;
  history.history = true;
  d = write_partner_reply(*store, full, false, out, history);
  REQUIRE(d.has_value());
  CHECK(slurp(out) ==
        "upn,match,known,lead_agency,lead_contact\n"
        "A1,strong,person,Agency F1,\n"
        "A2,none,household,,\n"
        "A3,none,household,Agency F1,\n");
  CHECK(slurp(out).find("moved") == std::string::npos);
  std::remove(full.c_str());
  std::remove(out.c_str());
}
