// Answering a partner's sealed request (sfcohort/sealed_request.hpp) end to
// end in the library: the partner seals a CSV to the team, the team answers,
// the partner opens the reply and finds only what a partner may learn.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "match/blocking.hpp"
#include "sfcohort/audit.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/keys.hpp"
#include "sfcohort/partners.hpp"
#include "sfcohort/seal.hpp"
#include "sfcohort/sealed_request.hpp"
#include "sfcohort/store.hpp"

using namespace sfcohort;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "sfcohort-request-XXXXXX").string();
    REQUIRE(mkdtemp(t.data()));
    path = t;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

const char* kPartner = "West Yorkshire Police";

// A team with keys in DIR/keys, one cohort family, and a partner who may
// receive basic replies; the partner's own keys.
struct Exchange {
  TempDir dir;
  std::optional<Store> store;
  age::Identity partner_id = age::Identity::generate();
  minisign::SecretKey partner_signer = minisign::SecretKey::generate();
  keys::TeamPublic team;

  Exchange() {
    keys::KeygenOptions ko;
    ko.age_scrypt_log_n = 10;
    ko.minisign_opslimit = 32768;
    ko.minisign_memlimit = 1 << 20;
    auto t = keys::generate(dir.path + "/keys", ko);
    REQUIRE_MESSAGE(t, (t ? "" : t.error().message));
    team = *t;
    Context ctx;
    ctx.actor = "tester";
    ctx.command = "lookup";
    ctx.keys_dir = dir.path + "/keys";
    store.emplace(testing::memory_store(ctx));
    Family f;
    f.id = "F1";
    f.lead_agency = "Early Help Huddersfield";
    f.lead_contact = "01484 000001";
    REQUIRE(store->put_family(f).has_value());
    Person p;
    p.id = "P1";
    p.family_id = "F1";
    p.given_name = "Jonathan";
    p.surname = "Smith";
    p.dob = "2009-03-14";
    p.postcode = "HD1 2AB";
    p.house = "12";
    p.role = "child";
    REQUIRE(match::add_person(*store, p).has_value());
    partners::Partner wyp;
    wyp.name = kPartner;
    wyp.recipient = partner_id.recipient().to_string();
    wyp.sign_key = partner_signer.public_key().base64();
    wyp.isa = wyp.dsp = wyp.mou = "2020-01-01";
    wyp.expires = "2099-12-31";
    wyp.legal_basis = "tests";
    auto added = partners::add(*store, wyp);
    REQUIRE_MESSAGE(added, (added ? "" : added.error().message));
  }

  // The partner's request, sealed to the team and signed by SIGNER.
  std::string request(const minisign::SecretKey& signer) {
    const std::string plain = dir.path + "/request.csv", sealed = dir.path + "/request.csv.age";
    REQUIRE(write_file_atomic(plain,
                              "upn,given_name,surname,dob,postcode,house\n"
                              "A1,Jonathan,Smith,2009-03-14,HD1 2AB,12\n"
                              "A2,Zed,Nobody,1901-01-01,,\n")
                .has_value());
    auto s = seal::seal_file(plain, sealed, {team.recipient}, signer);
    REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
    return sealed;
  }

  std::vector<AuditEntry> entries() {
    auto all = audit_entries(*store, std::nullopt);
    REQUIRE(all.has_value());
    return *all;
  }

  // Names in DIR other than the keys folder.
  std::vector<std::string> files() {
    std::vector<std::string> v;
    for (const auto& e : std::filesystem::directory_iterator(dir.path))
      if (e.path().filename() != "keys") v.push_back(e.path().filename().string());
    std::sort(v.begin(), v.end());
    return v;
  }
};

}  // namespace

TEST_CASE("sealed request: answered with a sealed reply holding only what a partner may learn") {
  Exchange x;
  exchange::AnswerOptions opt;
  opt.batch.input = x.request(x.partner_signer);
  opt.batch.output = x.dir.path + "/reply.csv.age";
  opt.from = kPartner;
  opt.reply_to = {kPartner};
  int opened = 0, looked_up = 0;
  opt.on_opened = [&](const exchange::Received& r) {
    ++opened;
    CHECK(r.opened.verified);
    CHECK(looked_up == 0);
  };
  opt.on_looked_up = [&](const BatchSummary& n) {
    ++looked_up;
    CHECK(n.rows == 2);
  };
  auto a = exchange::answer_request(*x.store, opt);
  REQUIRE_MESSAGE(a, (a ? "" : a.error().message));
  CHECK(opened == 1);
  CHECK(looked_up == 1);
  CHECK(a->summary.rows == 2);
  CHECK(a->summary.exact == 1);
  CHECK(a->summary.none == 1);
  REQUIRE(a->request.has_value());
  CHECK(a->request->partner == kPartner);
  REQUIRE(a->reply.has_value());
  CHECK(a->reply->path == opt.batch.output);
  CHECK(a->families == std::vector<std::string>{"F1"});
  // No scratch file is left beside the output.
  CHECK(x.files() == std::vector<std::string>{"reply.csv.age", "reply.csv.age.minisig",
                                              "request.csv", "request.csv.age",
                                              "request.csv.age.minisig"});

  // The partner opens the reply with their own key and checks the team's signature.
  seal::OpenOptions oo;
  oo.decrypt.identities.push_back(x.partner_id);
  oo.signers.push_back(x.team.sign_key);
  const std::string reply = x.dir.path + "/reply.csv";
  auto o = seal::open_file(opt.batch.output, reply, oo);
  REQUIRE_MESSAGE(o, (o ? "" : o.error().message));
  CHECK(o->verified);
  CHECK(read_file(reply).value() ==
        "upn,given_name,surname,dob,postcode,house,match,known,lead_agency,lead_contact\n"
        "A1,Jonathan,Smith,2009-03-14,HD1 2AB,12,exact,person,Early Help Huddersfield,01484 "
        "000001\n"
        "A2,Zed,Nobody,1901-01-01,,,none,no,,\n");

  std::vector<std::string> subjects;
  for (const auto& e : x.entries()) subjects.push_back(e.subject);
  REQUIRE(subjects.size() >= 3);
  std::vector<std::string> last(subjects.end() - 3, subjects.end());
  CHECK(last == std::vector<std::string>{"lookup request request.csv.age", opt.batch.input,
                                         "lookup reply reply.csv.age"});
  auto entries = x.entries();
  CHECK(entries.back().detail["families"] == nlohmann::json::array({"F1"}));
  CHECK(entries.back().detail["request"] == opt.batch.input);
  CHECK(entries[entries.size() - 2].detail["mode"] == "batch");
}

TEST_CASE("sealed request: without partners to reply to, the full results go to the output") {
  Exchange x;
  exchange::AnswerOptions opt;
  opt.batch.input = x.request(x.partner_signer);
  opt.batch.output = x.dir.path + "/team.csv";
  auto a = exchange::answer_request(*x.store, opt);
  REQUIRE_MESSAGE(a, (a ? "" : a.error().message));
  CHECK_FALSE(a->reply.has_value());
  CHECK(a->summary.exact == 1);
  const std::string out = read_file(opt.batch.output).value();
  CHECK(out.find(",exact,") != std::string::npos);
  CHECK(out.find(",F1,P1,") != std::string::npos);
}

TEST_CASE("sealed request: refusals") {
  Exchange x;
  exchange::AnswerOptions opt;
  opt.batch.output = x.dir.path + "/reply.csv.age";
  opt.reply_to = {kPartner};
  const size_t before = x.entries().size();

  SUBCASE("signed by someone else") {
    opt.batch.input = x.request(minisign::SecretKey::generate());
    auto a = exchange::answer_request(*x.store, opt);
    REQUIRE_FALSE(a.has_value());
    CHECK(a.error().code == Errc::kCrypto);
  }
  SUBCASE("an unknown partner, before the request is opened") {
    opt.batch.input = x.request(x.partner_signer);
    opt.reply_to = {"Nobody"};
    int opened = 0;
    opt.on_opened = [&](const exchange::Received&) { ++opened; };
    auto a = exchange::answer_request(*x.store, opt);
    REQUIRE_FALSE(a.has_value());
    CHECK(a.error().code == Errc::kInvalidInput);
    CHECK(opened == 0);
    CHECK(x.entries().size() == before);
  }
  SUBCASE("a sealed reply needs an output file") {
    opt.batch.input = x.request(x.partner_signer);
    opt.batch.output = "-";
    auto a = exchange::answer_request(*x.store, opt);
    REQUIRE_FALSE(a.has_value());
    CHECK(a.error().code == Errc::kInvalidInput);
    CHECK(a.error().message.find("--") == std::string::npos);
    CHECK(x.entries().size() == before);
  }
  CHECK_FALSE(file_exists(x.dir.path + "/reply.csv.age"));
  for (const auto& f : x.files()) CHECK(f.rfind(".sfcohort-reply", 0) != 0);
}

TEST_CASE("sealed request: is_sealed_request tells an age file from a CSV file") {
  Exchange x;
  CHECK(exchange::is_sealed_request(x.request(x.partner_signer)));
  CHECK_FALSE(exchange::is_sealed_request(x.dir.path + "/request.csv"));
  CHECK_FALSE(exchange::is_sealed_request("-"));
  CHECK_FALSE(exchange::is_sealed_request(x.dir.path + "/missing"));
}
