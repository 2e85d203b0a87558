#include "sfcohort/partners.hpp"

#include "db/partners.hpp"
#include "sfcohort/text.hpp"

namespace sfcohort::partners {
namespace {

Partner from_record(db::PartnerRecord r) {
  Partner p;
  p.name = std::move(r.name);
  p.recipient = std::move(r.recipient);
  p.sign_key = std::move(r.sign_key);
  p.isa = std::move(r.isa);
  p.dsp = std::move(r.dsp);
  p.mou = std::move(r.mou);
  p.expires = std::move(r.expires);
  p.legal_basis = std::move(r.legal_basis);
  p.allow = std::move(r.allow);
  p.added_at = std::move(r.added_at);
  p.added_by = std::move(r.added_by);
  p.updated_at = std::move(r.updated_at);
  p.history = r.history;
  return p;
}

db::PartnerRecord to_record(const Partner& p) {
  db::PartnerRecord r;
  r.name = p.name;
  r.recipient = p.recipient;
  r.sign_key = p.sign_key;
  r.isa = p.isa;
  r.dsp = p.dsp;
  r.mou = p.mou;
  r.expires = p.expires;
  r.legal_basis = p.legal_basis;
  r.allow = p.allow;
  r.history = p.history;
  r.added_at = p.added_at;
  r.added_by = p.added_by;
  r.updated_at = p.updated_at;
  return r;
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

std::string record_hint(const Partner& p, const std::string& what) {
  return "record " + what + " with: sfcohort share partner update '" + p.name + "'";
}

// Checks P's fields and brings the keys to their canonical text.
Status check_fields(Partner& p) {
  if (auto r = age::Recipient::parse(p.recipient); !r) {
    return invalid_input("partner '" + p.name + "': recipient: " + r.error().message);
  } else {
    p.recipient = r->to_string();
  }
  if (!p.sign_key.empty()) {
    auto k = minisign::PublicKey::parse(p.sign_key);
    if (!k) return invalid_input("partner '" + p.name + "': sign key: " + k.error().message);
    p.sign_key = k->base64();
  }
  SF_TRY(check_date(p.isa, "isa"));
  SF_TRY(check_date(p.dsp, "dsp"));
  SF_TRY(check_date(p.mou, "mou"));
  SF_TRY(check_date(p.expires, "expires"));
  if (p.allow != "basic" && p.allow != "full") {
    return invalid_input("allow: '" + p.allow + "' is not basic or full");
  }
  return Ok{};
}

// The fields of P as the audit records them.
nlohmann::json audited(const Partner& p) {
  nlohmann::json j = p.to_json();
  j.erase("added_at");
  j.erase("added_by");
  j.erase("updated_at");
  j.erase("name");
  return j;
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
          {"history", history},
          {"added_at", added_at},
          {"added_by", added_by},
          {"updated_at", updated_at}};
}

Status add(Store& store, Partner p) {
  p.name = trim(p.name);
  if (p.name.empty()) return invalid_input("a partner needs a name");
  SF_TRY(check_fields(p));
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  auto existing = db::find_partner(store, p.name);
  if (!existing) return existing.error();
  if (*existing) {
    return Error(Errc::kInvalidInput,
                 "partner '" + (*existing)->name + "' is already in the register",
                 {"change only what has changed with: sfcohort share partner update '" +
                  (*existing)->name + "' (the other fields are kept)"});
  }
  SF_TRY(db::put_partner(store, to_record(p), Store::now_utc()));
  nlohmann::json detail = audited(p);
  detail["new"] = true;
  SF_TRY(store.audit("partner " + p.name, detail));
  return tx->commit();
}

bool Change::empty() const {
  return !recipient && !sign_key && agreements.empty() && !expires && !legal_basis && !allow &&
         !history;
}

Result<Partner> update(Store& store, const std::string& name, const Change& change) {
  if (change.empty()) {
    return Error(Errc::kInvalidInput, "partner '" + trim(name) + "': nothing to change",
                 {"give the fields to change; the others are kept"});
  }
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  auto before = get(store, name);
  if (!before) return before.error();
  Partner p = *before;
  if (change.recipient) p.recipient = *change.recipient;
  if (change.sign_key) p.sign_key = *change.sign_key;
  for (const auto& a : change.agreements) SF_TRY(set_agreement(p, a));
  if (change.expires) {
    p.expires = change.expires->empty() ? std::nullopt : change.expires;
  }
  if (change.legal_basis) p.legal_basis = *change.legal_basis;
  if (change.allow) p.allow = *change.allow;
  if (change.history) p.history = *change.history;
  SF_TRY(check_fields(p));
  SF_TRY(db::put_partner(store, to_record(p), Store::now_utc()));
  const nlohmann::json was = audited(*before), now = audited(p);
  nlohmann::json changed = nlohmann::json::object();
  for (const auto& [k, v] : now.items()) {
    if (was[k] != v) changed[k] = {{"was", was[k]}, {"now", v}};
  }
  SF_TRY(store.audit("partner " + p.name, {{"changed", changed}}));
  SF_TRY(tx->commit());
  auto saved = get(store, p.name);
  if (!saved) return saved.error();
  return *saved;
}

Result<std::vector<Partner>> list(Store& store) {
  auto all = db::all_partners(store);
  if (!all) return all.error();
  std::vector<Partner> out;
  for (auto& r : *all) out.push_back(from_record(std::move(r)));
  return out;
}

Result<Partner> get(Store& store, const std::string& name) {
  auto r = db::find_partner(store, trim(name));
  if (!r) return r.error();
  if (!*r) return unknown(trim(name));
  return from_record(std::move(**r));
}

Status remove(Store& store, const std::string& name) {
  auto tx = store.begin_transaction();
  if (!tx) return tx.error();
  auto p = get(store, name);
  if (!p) return p.error();
  SF_TRY(db::delete_partner(store, p->name));
  SF_TRY(store.audit("partner " + p->name, {{"removed", true}}));
  return tx->commit();
}

Status set_agreement(Partner& p, const std::string& kind_eq_date) {
  const std::string& a = kind_eq_date;
  size_t eq = a.find('=');
  if (eq == std::string::npos) {
    return Error(Errc::kInvalidInput, "agreement '" + a + "': expected KIND=DATE",
                 {"kinds: isa, dsp (or dsf), mou"});
  }
  std::string kind = to_lower_ascii(trim(a.substr(0, eq)));
  std::string text = trim(a.substr(eq + 1));
  if (text.empty()) return invalid_input("agreement " + kind + ": no date");
  auto date = parse_date(text);
  if (!date) return invalid_input("agreement " + kind + ": " + date.error().message);
  if (kind == "isa") {
    p.isa = date->iso();
  } else if (kind == "dsp" || kind == "dsf") {
    p.dsp = date->iso();
  } else if (kind == "mou") {
    p.mou = date->iso();
  } else {
    return Error(Errc::kInvalidInput, "agreement '" + a + "': unknown agreement '" + kind + "'",
                 {"kinds: isa, dsp (or dsf), mou"});
  }
  return Ok{};
}

const char* Standing::name() const {
  switch (kind) {
    case Kind::kOk:
      return "ok";
    case Kind::kMissing:
      return "missing";
    case Kind::kNotYet:
      return "not yet";
    case Kind::kExpired:
      return "expired";
  }
  return "missing";
}

Standing standing(const Partner& p, const std::string& today) {
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
      return {Standing::Kind::kMissing, a.key,
              "partner '" + p.name + "': no " + a.title + " (" + a.key + ") is recorded"};
    }
    if (*a.date > today) {
      return {Standing::Kind::kNotYet, a.key,
              "partner '" + p.name + "': the " + a.title + " is dated " + *a.date +
                  ", which is after today"};
    }
  }
  if (p.expires && *p.expires < today) {
    return {Standing::Kind::kExpired, "isa",
            "partner '" + p.name + "': information sharing agreement expired on " + *p.expires};
  }
  return {};
}

Status check_agreements(const Partner& p, const std::string& today) {
  Standing s = standing(p, today);
  switch (s.kind) {
    case Standing::Kind::kOk:
      return Ok{};
    case Standing::Kind::kMissing:
      return Error(
          Errc::kPolicy, s.message,
          {record_hint(p, "the " + s.agreement + " agreement and the date it was signed")});
    case Standing::Kind::kNotYet:
      return Error(Errc::kPolicy, s.message, {"sharing starts once every agreement is in force"});
    case Standing::Kind::kExpired:
      return Error(Errc::kPolicy, s.message,
                   {record_hint(p, "the renewed agreement") + ", with its new expiry date"});
  }
  return Ok{};
}

Status check_profile(const Partner& p, const std::string& profile) {
  if (profile == "full" && p.allow != "full") {
    return Error(
        Errc::kPolicy, "partner '" + p.name + "' may receive only the basic fields, not 'full'",
        {"if the agreements allow it, " + record_hint(p, "that it may receive the full profile")});
  }
  return Ok{};
}

Result<Destination> destination(Store& store, const std::vector<std::string>& names,
                                const std::string& profile, const std::string& today,
                                Refusal* why) {
  Destination d;
  for (const auto& name : names) {
    auto p = get(store, name);
    if (!p) return p.error();
    if (auto c = check_agreements(*p, today); !c) {
      if (why) *why = Refusal{p->name, standing(*p, today), false};
      return c.error();
    }
    if (!profile.empty()) {
      if (auto c = check_profile(*p, profile); !c) {
        if (why) *why = Refusal{p->name, {}, true};
        return c.error();
      }
    }
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
