#include <doctest/doctest.h>

#include "db/partners.hpp"
#include "fixtures.hpp"
#include "sfcohort/export.hpp"
#include "sfcohort/partners.hpp"

using namespace sfcohort;

namespace {
partners::Partner partner_with(std::optional<std::string> isa, std::optional<std::string> dsp,
                               std::optional<std::string> mou, std::optional<std::string> expires) {
  partners::Partner p;
  p.name = "NHS Trust";
  p.isa = std::move(isa);
  p.dsp = std::move(dsp);
  p.mou = std::move(mou);
  p.expires = std::move(expires);
  return p;
}
}  // namespace

TEST_CASE("partners: a partner's standing, typed, and the refusal built on it") {
  using K = partners::Standing::Kind;
  struct Row {
    partners::Partner p;
    K kind;
    const char* agreement;
    const char* name;
  };
  const std::string today = "2026-07-01";
  const Row rows[] = {
      {partner_with("2024-01-01", "2024-01-01", "2024-01-01", "2099-01-01"), K::kOk, "", "ok"},
      {partner_with("2024-01-01", std::nullopt, "2024-01-01", std::nullopt), K::kMissing, "dsp",
       "missing"},
      {partner_with("2027-01-01", "2024-01-01", "2024-01-01", std::nullopt), K::kNotYet, "isa",
       "not yet"},
      {partner_with("2018-01-01", "2018-01-01", "2018-01-01", "2019-03-31"), K::kExpired, "isa",
       "expired"},
  };
  for (const auto& r : rows) {
    CAPTURE(r.name);
    auto s = partners::standing(r.p, today);
    CHECK(s.kind == r.kind);
    CHECK(s.agreement == r.agreement);
    CHECK(std::string(s.name()) == r.name);
    auto c = partners::check_agreements(r.p, today);
    CHECK(c.has_value() == s.ok());
    if (!c) {
      CHECK(c.error().code == Errc::kPolicy);
      CHECK(c.error().message == s.message);
      for (const auto& h : c.error().hints) CHECK(h.find("--") == std::string::npos);
    }
  }
}

TEST_CASE("partners: agreements as KIND=DATE") {
  partners::Partner p;
  REQUIRE(partners::set_agreement(p, "isa=2024-04-01").has_value());
  REQUIRE(partners::set_agreement(p, " DSF = 01/02/2024").has_value());
  REQUIRE(partners::set_agreement(p, "mou=2024-03-01").has_value());
  CHECK(p.isa == "2024-04-01");
  CHECK(p.dsp == "2024-02-01");
  CHECK(p.mou == "2024-03-01");
  for (const char* bad : {"isa", "isa=", "isa=31/02/2024", "nda=2024-01-01"}) {
    CAPTURE(bad);
    auto s = partners::set_agreement(p, bad);
    REQUIRE(!s.has_value());
    CHECK(s.error().code == Errc::kInvalidInput);
    CHECK(s.error().message.rfind("agreement ", 0) == 0);
  }
}

TEST_CASE("partners: the register through db/, names without regard to case") {
  Store store = testing::memory_store();
  db::PartnerRecord r;
  r.name = "NHS Trust";
  r.recipient = "age1example";
  r.allow = "basic";
  r.added_by = "tester";
  REQUIRE(db::put_partner(store, r, "2026-07-01T00:00:00Z").has_value());
  r.allow = "full";
  r.added_by = "someone else";
  REQUIRE(db::put_partner(store, r, "2026-07-02T00:00:00Z").has_value());
  auto got = db::find_partner(store, "nhs trust");
  REQUIRE(got.has_value());
  REQUIRE(got->has_value());
  CHECK((*got)->allow == "full");
  CHECK((*got)->added_by == "tester");
  CHECK((*got)->added_at == "2026-07-01T00:00:00Z");
  CHECK((*got)->updated_at == "2026-07-02T00:00:00Z");
  REQUIRE(db::delete_partner(store, "NHS TRUST").has_value());
  auto all = db::all_partners(store);
  REQUIRE(all.has_value());
  CHECK(all->empty());
}

TEST_CASE("export: the full profile never goes outside the register") {
  CHECK(exporting::check_recipients({}, "full").has_value());
  CHECK(exporting::check_recipients({"age1x"}, "basic").has_value());
  auto r = exporting::check_recipients({"age1x"}, "full");
  REQUIRE(!r.has_value());
  CHECK(r.error().code == Errc::kPolicy);
}
