#include "sfcohort/partners.hpp"

#include "sfcohort/text.hpp"
#include "db/sqlite.hpp"

namespace sfcohort::partners {
namespace {

constexpr const char* kColumns =
    "name, recipient, sign_key, isa, dsp, mou, expires, legal_basis, allow, added_at, added_by, "
    "updated_at";

Partner from_row(const sql::Stmt& st) {
  Partner p;
  p.name = st.text(0);
  p.recipient = st.text(1);
  p.sign_key = st.text(2);
  p.isa = st.text_or_null(3);
  p.dsp = st.text_or_null(4);
  p.mou = st.text_or_null(5);
  p.expires = st.text_or_null(6);
  p.legal_basis = st.text(7);
  p.allow = st.text(8);
  p.added_at = st.text(9);
  p.added_by = st.text(10);
  p.updated_at = st.text(11);
  return p;
}

Status check_date(const std::optional<std::string>& d, const char* what) {
  if (!d) return Ok{};
  auto parsed = parse_date(*d);
  if (!parsed || parsed->iso() != *d) {
    return invalid_input(std::string(what) + ": '" + *d + "' is not a date (YYYY-MM-DD)");
  }
  return Ok{};
}

Error unknown(const std::string& name) {
  return Error(Errc::kInvalidInput, "unknown partner '" + name + "'",
               {"list the partner register with 'sfcohort share partner list'"});
}

std::string renew_hint(const Partner& p, const std::string& flag) {
  return "record the renewed agreement with: sfcohort share partner add '" + p.name + "' ... " +
         flag;
}

}  // namespace

nlohmann::json Partner::to_json() const {
  auto opt = [](const std::optional<std::string>& v) -> nlohmann::json {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  return {{"name", name},
          {"recipient", recipient},
          {"sign_key", sign_key},
          {"agreements", {{"isa", opt(isa)}, {"dsp", opt(dsp)}, {"mou", opt(mou)}}},
          {"expires", opt(expires)},
          {"legal_basis", legal_basis},
          {"allow", allow},
          {"added_at", added_at},
          {"added_by", added_by},
          {"updated_at", updated_at}};
}

Result<bool> add(Store& store, Partner p) {
  p.name = trim(p.name);
  if (p.name.empty()) return invalid_input("a partner needs a name");
  if (auto r = age::Recipient::parse(p.recipient); !r) {
    return invalid_input("partner '" + p.name + "': --recipient: " + r.error().message);
  } else {
    p.recipient = r->to_string();
  }
  if (!p.sign_key.empty()) {
    auto k = minisign::PublicKey::parse(p.sign_key);
    if (!k) return invalid_input("partner '" + p.name + "': --sign-key: " + k.error().message);
    p.sign_key = k->base64();
  }
  SF_TRY(check_date(p.isa, "isa"));
  SF_TRY(check_date(p.dsp, "dsp"));
  SF_TRY(check_date(p.mou, "mou"));
  SF_TRY(check_date(p.expires, "--expires"));
  if (p.allow != "basic" && p.allow != "full") {
    return invalid_input("--allow: '" + p.allow + "' is not basic or full");
  }
  auto tx = sql::Transaction::begin(store.db());
  if (!tx) return tx.error();
  auto existing = get(store, p.name);
  bool is_new = !existing;
  if (!existing && existing.error().code != Errc::kInvalidInput) return existing.error();
  std::string now = Store::now_utc();
  auto st = store.db().prepare(
      "INSERT INTO partner(name, recipient, sign_key, isa, dsp, mou, expires, legal_basis, allow, "
      "added_at, added_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10) "
      "ON CONFLICT(name) DO UPDATE SET recipient = excluded.recipient, sign_key = "
      "excluded.sign_key, isa = excluded.isa, dsp = excluded.dsp, mou = excluded.mou, expires = "
      "excluded.expires, legal_basis = excluded.legal_basis, allow = excluded.allow, updated_at = "
      "excluded.updated_at");
  if (!st) return st.error();
  st->bind(1, p.name).bind(2, p.recipient).bind(3, p.sign_key).bind(4, p.isa).bind(5, p.dsp);
  st->bind(6, p.mou).bind(7, p.expires).bind(8, p.legal_basis).bind(9, p.allow).bind(10, now);
  st->bind(11, p.added_by);
  SF_TRY(st->run());
  nlohmann::json detail = p.to_json();
  detail.erase("added_at");
  detail.erase("updated_at");
  detail["new"] = is_new;
  SF_TRY(store.audit("partner " + p.name, detail));
  SF_TRY(tx->commit());
  return is_new;
}

Result<std::vector<Partner>> list(Store& store) {
  auto st = store.db().prepare(std::string("SELECT ") + kColumns +
                               " FROM partner ORDER BY name COLLATE NOCASE");
  if (!st) return st.error();
  std::vector<Partner> out;
  for (;;) {
    auto r = st->step();
    if (!r) return r.error();
    if (!*r) break;
    out.push_back(from_row(*st));
  }
  return out;
}

Result<Partner> get(Store& store, const std::string& name) {
  auto st = store.db().prepare(std::string("SELECT ") + kColumns + " FROM partner WHERE name = ?1");
  if (!st) return st.error();
  st->bind(1, trim(name));
  auto r = st->step();
  if (!r) return r.error();
  if (!*r) return unknown(trim(name));
  return from_row(*st);
}

Status remove(Store& store, const std::string& name) {
  auto tx = sql::Transaction::begin(store.db());
  if (!tx) return tx.error();
  auto p = get(store, name);
  if (!p) return p.error();
  auto st = store.db().prepare("DELETE FROM partner WHERE name = ?1");
  if (!st) return st.error();
  st->bind(1, p->name);
  SF_TRY(st->run());
  SF_TRY(store.audit("partner " + p->name, {{"removed", true}}));
  return tx->commit();
}

Status check_agreements(const Partner& p, const std::string& today) {
  struct Agreement {
    const std::optional<std::string>& date;
    const char* key;
    const char* title;
  };
  const Agreement all[] = {{p.isa, "isa", "information sharing agreement"},
                           {p.dsp, "dsp", "data sharing protocol"},
                           {p.mou, "mou", "memorandum of understanding"}};
  for (const auto& a : all) {
    if (!a.date) {
      return Error(Errc::kPolicy,
                   "partner '" + p.name + "': no " + a.title + " (" + a.key + ") is recorded",
                   {renew_hint(p, std::string("--agreement ") + a.key + "=DATE")});
    }
    if (*a.date > today) {
      return Error(Errc::kPolicy,
                   "partner '" + p.name + "': the " + a.title + " is dated " + *a.date +
                       ", which is after today",
                   {"sharing starts once every agreement is in force"});
    }
  }
  if (p.expires && *p.expires < today) {
    return Error(Errc::kPolicy,
                 "partner '" + p.name + "': information sharing agreement expired on " + *p.expires,
                 {renew_hint(p, "--agreement isa=DATE --expires DATE")});
  }
  return Ok{};
}

Status check_profile(const Partner& p, const std::string& profile) {
  if (profile == "full" && p.allow != "full") {
    return Error(Errc::kPolicy,
                 "partner '" + p.name + "' may receive only the basic fields, not 'full'",
                 {"if the agreements allow it: sfcohort share partner add '" + p.name +
                  "' ... --allow full"});
  }
  return Ok{};
}

Result<Destination> destination(Store& store, const std::vector<std::string>& names,
                                const std::string& profile, const std::string& today) {
  Destination d;
  for (const auto& name : names) {
    auto p = get(store, name);
    if (!p) return p.error();
    SF_TRY(check_agreements(*p, today));
    if (!profile.empty()) SF_TRY(check_profile(*p, profile));
    auto r = recipient_of(*p);
    if (!r) return r.error();
    d.recipients.push_back(*r);
    d.names.push_back(p->name);
  }
  return d;
}

Result<age::Recipient> recipient_of(const Partner& p) {
  auto r = age::Recipient::parse(p.recipient);
  if (!r) return Error(Errc::kCrypto, "partner '" + p.name + "': " + r.error().message);
  return r;
}

Result<std::optional<minisign::PublicKey>> sign_key_of(const Partner& p) {
  if (p.sign_key.empty()) return std::optional<minisign::PublicKey>();
  auto k = minisign::PublicKey::parse(p.sign_key);
  if (!k) return Error(Errc::kCrypto, "partner '" + p.name + "': " + k.error().message);
  return std::optional<minisign::PublicKey>(*k);
}

}  // namespace sfcohort::partners
