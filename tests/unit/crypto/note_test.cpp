// Signed notes (C2SP signed-note) with Ed25519: keys round trip as text,
// signatures verify, and any change to the text or the signature, or
// another key, is refused.
#include <doctest/doctest.h>

#include "sfcohort/note.hpp"

using namespace sfcohort;

TEST_CASE("note: sign, open, keys as text, tampering") {
  auto s = note::Signer::generate("IG-Lead");
  REQUIRE(s.has_value());
  const std::string vtext = s->verifier().text();
  CHECK(vtext.rfind("IG-Lead+", 0) == 0);
  auto v = note::Verifier::parse(vtext);
  REQUIRE(v.has_value());
  CHECK(v->hash() == s->verifier().hash());
  auto back = note::Signer::parse(s->text());
  REQUIRE(back.has_value());
  CHECK(back->verifier().text() == vtext);

  const std::string text = "sfcohort-audit/00\n3\nAAAA\n";
  const std::string signed_note = s->sign(text);
  CHECK(signed_note.rfind(text + "\n\xE2\x80\x94 IG-Lead ", 0) == 0);
  auto opened = note::open(signed_note, *v);
  REQUIRE(opened.has_value());
  CHECK(*opened == text);
  // The same key, signed again by parse(): the same verifier opens it.
  CHECK(note::open(back->sign(text), *v).has_value());

  SUBCASE("a changed text") {
    std::string t = signed_note;
    t[t.find('3')] = '4';
    auto r = note::open(t, *v);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Errc::kCrypto);
  }
  SUBCASE("a changed signature") {
    std::string t = signed_note;
    t[t.size() - 5] = t[t.size() - 5] == 'A' ? 'B' : 'A';
    CHECK_FALSE(note::open(t, *v).has_value());
  }
  SUBCASE("another key of the same name") {
    auto other = note::Signer::generate("IG-Lead");
    REQUIRE(other.has_value());
    auto r = note::open(other->sign(text), *v);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == Errc::kCrypto);
  }
  SUBCASE("not a note, bad keys") {
    CHECK(note::open("no blank line\n", *v).error().code == Errc::kInvalidInput);
    CHECK_FALSE(note::Verifier::parse("IG-Lead+00000000+AAAA").has_value());
    std::string wrong_hash = vtext;
    wrong_hash[8] = wrong_hash[8] == '0' ? '1' : '0';
    CHECK_FALSE(note::Verifier::parse(wrong_hash).has_value());
    CHECK_FALSE(note::Signer::generate("has space").has_value());
    CHECK_FALSE(note::Signer::parse(vtext).has_value());
  }
}
