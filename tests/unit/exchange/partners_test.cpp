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

TEST_CASE("partners: update changes only the fields given; history round trips") {
  Context ctx;
  ctx.actor = "tester";
  auto store = Store::open_memory(ctx);
  REQUIRE(store.has_value());
  auto id = age::Identity::generate();
  partners::Partner p = partner_with("2018-01-01", "2018-02-01", "2018-03-01", "2019-03-31");
  p.recipient = id.recipient().to_string();
  p.legal_basis = "Children Act 2004 s10";
  p.allow = "full";
  p.added_by = "tester";
  REQUIRE(partners::add(*store, p).has_value());
  auto again = partners::add(*store, p);
  REQUIRE(!again.has_value());
  CHECK(again.error().code == Errc::kInvalidInput);
  CHECK(again.error().message.find("already in the register") != std::string::npos);

  partners::Change c;
  c.agreements = {"isa=2024-04-01"};
  c.expires = "2099-03-31";
  auto u = partners::update(*store, "nhs trust", c);
  REQUIRE_MESSAGE(u, (u ? "" : u.error().message));
  CHECK(*u->isa == "2024-04-01");
  CHECK(*u->dsp == "2018-02-01");
  CHECK(*u->mou == "2018-03-01");
  CHECK(*u->expires == "2099-03-31");
  CHECK(u->legal_basis == "Children Act 2004 s10");
  CHECK(u->allow == "full");
  CHECK(u->recipient == p.recipient);
  CHECK(!u->history);
  CHECK(partners::standing(*u, "2026-01-01").ok());

  partners::Change h;
  h.history = true;
  h.expires = "";
  REQUIRE(partners::update(*store, "NHS Trust", h).has_value());
  auto got = partners::get(*store, "NHS Trust");
  REQUIRE(got.has_value());
  CHECK(got->history);
  CHECK(!got->expires);
  CHECK(got->to_json()["history"] == true);
  auto rec = db::find_partner(*store, "NHS Trust");
  REQUIRE((rec.has_value() && rec->has_value()));
  CHECK((*rec)->history);

  SUBCASE("refusals change nothing") {
    CHECK(partners::update(*store, "NHS Trust", {}).error().code == Errc::kInvalidInput);
    CHECK(partners::update(*store, "Nobody", h).error().message == "unknown partner 'Nobody'");
    partners::Change bad;
    bad.recipient = "age1nope";
    bad.history = false;
    CHECK(partners::update(*store, "NHS Trust", bad).error().code == Errc::kInvalidInput);
    partners::Change bad_date;
    bad_date.agreements = {"isa=2024-02-30"};
    CHECK(partners::update(*store, "NHS Trust", bad_date).error().code == Errc::kInvalidInput);
    auto still = partners::get(*store, "NHS Trust");
    REQUIRE(still.has_value());
    CHECK(still->history);
    CHECK(*still->isa == "2024-04-01");
  }
}

TEST_CASE("export: the full profile never goes outside the register") {
  CHECK(exporting::check_recipients({}, "full").has_value());
  CHECK(exporting::check_recipients({"age1x"}, "basic").has_value());
  auto r = exporting::check_recipients({"age1x"}, "full");
  REQUIRE(!r.has_value());
  CHECK(r.error().code == Errc::kPolicy);
}
