#include "sfcohort/keys.hpp"

#include <sys/stat.h>

#include <ctime>

#include "sfcohort/io.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort::keys {
namespace {

std::string path_in(const std::string& dir, const char* name) { return dir + "/" + name; }

Error no_keys(const std::string& dir) {
  return Error(Errc::kCrypto, dir + ": no team keys", {"make them with 'sfcohort share keygen'"});
}

Result<std::string> read_key(const std::string& dir, const char* name) {
  std::string p = path_in(dir, name);
  if (!file_exists(p)) return no_keys(dir);
  if (std::string_view(name).ends_with(".key")) {
    SF_TRY(check_not_exposed(p, 077, "the team's secret key"));
  }
  auto t = read_file(p);
  if (!t) return std::move(t).error();
  return t;
}

}  // namespace

std::optional<std::string> existing_key_file(const std::string& dir) {
  for (const char* f : {"age.key", "minisign.key", "minisign.pub"}) {
    if (file_exists(path_in(dir, f))) return path_in(dir, f);
  }
  return std::nullopt;
}

Result<TeamPublic> generate(const std::string& dir, const KeygenOptions& opt) {
  if (auto existing = existing_key_file(dir); existing && !opt.force) {
    return Error(Errc::kInvalidInput, *existing + ": the team keys already exist",
                 {"partners hold the current public keys; replace them only on purpose, then "
                  "send 'sfcohort share pubkey' to every partner"});
  }
  SF_TRY(make_dirs(dir, 0700));
  ::chmod(dir.c_str(), 0700);
  auto id = age::Identity::generate();
  auto sk = minisign::SecretKey::generate();
  std::string id_text = age::format_identity_file(id, Store::now_utc());
  std::string age_file = id_text;
  if (opt.passphrase) {
    age::StringSource in(id_text);
    age::StringSink out;
    age::EncryptOptions eo;
    eo.armor = true;
    eo.scrypt_log_n = opt.age_scrypt_log_n;
    SF_TRY(age::encrypt_passphrase(in, out, *opt.passphrase, eo));
    // Exactly the armored file, so `age -d -i age.key` still works; the
    // recipient is readable in age.pub.
    age_file = std::move(out.data);
  }
  std::optional<std::string_view> pw;
  if (opt.passphrase) pw = *opt.passphrase;
  std::string sk_file = sk.file_text(pw, opt.minisign_opslimit, opt.minisign_memlimit);
  SF_TRY(write_file_atomic(path_in(dir, "age.key"), age_file, 0600));
  SF_TRY(write_file_atomic(path_in(dir, "minisign.key"), sk_file, 0600));
  SF_TRY(write_file_atomic(path_in(dir, "minisign.pub"), sk.public_key().file_text(), 0644));
  SF_TRY(write_file_atomic(path_in(dir, "age.pub"), id.recipient().to_string() + "\n", 0644));
  return TeamPublic{id.recipient(), sk.public_key()};
}

bool is_protected(const std::string& dir, const std::string& file) {
  auto t = read_file(dir + "/" + file);
  if (!t) return false;
  if (file == "minisign.key") return minisign::SecretKey::is_encrypted(*t).value_or(false);
  return t->find("-----BEGIN AGE ENCRYPTED FILE-----") != std::string::npos;
}

Result<TeamPublic> load_public(const std::string& dir) {
  auto pub = read_key(dir, "minisign.pub");
  if (!pub) return std::move(pub).error();
  auto sign_key = minisign::PublicKey::parse(*pub);
  if (!sign_key) return sign_key.error().with_context(path_in(dir, "minisign.pub"));
  // age.pub holds the recipient; an unprotected age.key also has it in its
  // "# public key:" comment, as age-keygen writes it.
  if (file_exists(path_in(dir, "age.pub"))) {
    auto t = read_file(path_in(dir, "age.pub"));
    if (!t) return std::move(t).error();
    auto r = age::Recipient::parse(*t);
    if (!r) return Error(Errc::kCrypto, path_in(dir, "age.pub") + ": " + r.error().message);
    return TeamPublic{*r, *sign_key};
  }
  auto age_text = read_key(dir, "age.key");
  if (!age_text) return std::move(age_text).error();
  constexpr std::string_view kPrefix = "# public key: ";
  size_t at = age_text->find(kPrefix);
  if (at == std::string::npos) {
    return Error(Errc::kCrypto, path_in(dir, "age.key") + ": no '# public key:' line");
  }
  size_t end = age_text->find('\n', at);
  auto r = age::Recipient::parse(age_text->substr(at + kPrefix.size(), end - at - kPrefix.size()));
  if (!r) return Error(Errc::kCrypto, path_in(dir, "age.key") + ": " + r.error().message);
  return TeamPublic{*r, *sign_key};
}

Result<age::Identity> load_identity(const std::string& dir, const PassphraseSource& pass) {
  auto text = read_key(dir, "age.key");
  if (!text) return std::move(text).error();
  std::string p = path_in(dir, "age.key");
  std::string plain = *text;
  size_t armor = text->find("-----BEGIN AGE ENCRYPTED FILE-----");
  if (armor != std::string::npos) {
    auto pw = pass();
    if (!pw) return pw.error().with_context(p);
    age::StringSource in(std::string_view(*text).substr(armor));
    age::StringSink out;
    age::DecryptOptions opt;
    opt.passphrases.push_back(*pw);
    age::Failure why;
    if (auto r = age::decrypt(in, out, opt, &why); !r) {
      if (why == age::Failure::kNoMatch) return crypto_error(p + ": wrong passphrase");
      return r.error().with_context(p);
    }
    plain = std::move(out.data);
  }
  auto ids = age::parse_identity_file(plain);
  if (!ids) return Error(Errc::kCrypto, p + ": " + ids.error().message);
  return ids->front();
}

Result<minisign::SecretKey> load_signing_key(const std::string& dir, const PassphraseSource& pass) {
  auto text = read_key(dir, "minisign.key");
  if (!text) return std::move(text).error();
  std::string p = path_in(dir, "minisign.key");
  auto enc = minisign::SecretKey::is_encrypted(*text);
  if (!enc) return Error(Errc::kCrypto, p + ": " + enc.error().message);
  std::optional<std::string> pw;
  if (*enc) {
    auto r = pass();
    if (!r) return r.error().with_context(p);
    pw = std::move(*r);
  }
  std::optional<std::string_view> view;
  if (pw) view = *pw;
  auto sk = minisign::SecretKey::parse(*text, view);
  if (!sk) {
    Error e = sk.error().with_context(p);
    if (e.code == Errc::kInvalidInput) e.code = Errc::kCrypto;
    return e;
  }
  return sk;
}

}  // namespace sfcohort::keys
