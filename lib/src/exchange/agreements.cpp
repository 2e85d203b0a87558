#include <filesystem>

#include "sfcohort/exchange.hpp"
#include "sfcohort/partners.hpp"

namespace sfcohort::exchange {
namespace {

struct Signers {
  seal::OpenOptions opt;
  std::vector<std::string> names;
};

Result<Signers> prepare_open(Store& store, const OpenRequest& req,
                             const keys::PassphraseSource& pass) {
  Signers s;
  s.opt.verify = req.verify;
  if (!req.from.empty()) {
    auto p = partners::get(store, req.from);
    if (!p) return p.error();
    auto k = partners::sign_key_of(*p);
    if (!k) return k.error();
    if (!*k && req.verify) {
      return Error(Errc::kCrypto, "partner '" + p->name + "' has no signing key in the register",
                   {"record it with 'sfcohort share partner update '" + p->name +
                    "'', or open the file without checking its signature"});
    }
    if (*k) {
      s.opt.signers.push_back(**k);
      s.names.push_back(p->name);
    }
    s.opt.signer_name = p->name;
  } else {
    auto all = partners::list(store);
    if (!all) return all.error();
    for (const auto& p : *all) {
      auto k = partners::sign_key_of(p);
      if (k && *k) {
        s.opt.signers.push_back(**k);
        s.names.push_back(p.name);
      }
    }
  }
  auto id = keys::load_identity(store.context().keys_dir, pass);
  if (!id) return id.error();
  s.opt.decrypt.identities.push_back(*id);
  s.opt.decrypt.passphrases = req.passphrases;
  return s;
}

Status audit_open(Store& store, const std::string& in_path, const std::string& out,
                  const OpenRequest& req, const Signers& s, const seal::Opened& o) {
  nlohmann::json detail = req.audit_detail;
  std::string from = o.signer ? s.names[*o.signer] : std::string();
  detail["file"] = std::filesystem::path(in_path).filename().string();
  detail["output"] = out;
  detail["from"] = from.empty() ? nlohmann::json(nullptr) : nlohmann::json(from);
  detail["verified"] = o.verified;
  detail["bytes"] = o.plaintext_bytes;
  detail["blake2b"] = o.blake2b;
  std::string subject = req.audit_subject.empty()
                            ? "file " + std::filesystem::path(in_path).filename().string()
                            : req.audit_subject;
  return store.audit(subject, detail);
}

Received received(const Signers& s, seal::Opened o) {
  Received r;
  if (o.signer) r.partner = s.names[*o.signer];
  r.opened = std::move(o);
  return r;
}

}  // namespace

Result<seal::Sealed> seal_for(Store& store, age::Source& in, const std::string& out_path,
                              const SealRequest& req, const keys::PassphraseSource& pass) {
  if (req.partners.empty() && req.recipients.empty()) {
    return Error(Errc::kInvalidInput, "say who may open the file",
                 {"a partner from the register, or an age recipient with a reason"});
  }
  if (!req.recipients.empty() && req.reason.empty()) {
    return Error(Errc::kInvalidInput,
                 "a recipient outside the partner register needs a reason, for the audit trail",
                 {"e.g. 'court order 2024/117'"});
  }
  auto dest = partners::destination(store, req.partners, req.profile, Store::today());
  if (!dest) return dest.error();
  std::vector<age::Recipient> to = dest->recipients;
  nlohmann::json direct = nlohmann::json::array();
  for (const auto& text : req.recipients) {
    auto r = age::Recipient::parse(text);
    if (!r) return r.error().with_context("recipient");
    to.push_back(*r);
    direct.push_back(r->to_string());
  }
  auto signer = keys::load_signing_key(store.context().keys_dir, pass);
  if (!signer) return signer.error();
  seal::SealOptions so;
  so.armor = req.armor;
  so.trusted_comment = req.trusted_comment;
  return seal::seal(in, out_path, to, *signer, so, [&](const seal::Sealed& s) {
    nlohmann::json detail = req.audit_detail;
    detail["to"] = dest->names;
    if (!direct.empty()) {
      detail["recipients"] = direct;
      detail["reason"] = req.reason;
    }
    detail["output"] = out_path;
    detail["bytes"] = s.plaintext_bytes;
    detail["blake2b"] = s.blake2b;
    std::string subject = req.audit_subject.empty()
                              ? "file " + std::filesystem::path(out_path).filename().string()
                              : req.audit_subject;
    std::vector<std::string> to_names = dest->names;
    for (const auto& r : direct) to_names.push_back(r.get<std::string>());
    std::vector<Disclosure> disclosed;
    disclosed.reserve(req.disclosed.size() * to_names.size());
    for (const auto& name : to_names)
      for (const auto& d : req.disclosed) disclosed.push_back({d.person_id, d.family_id, name});
    return store.audit(subject, detail, std::move(disclosed));
  });
}

Result<Received> open_to_file(Store& store, const std::string& in_path, const std::string& out_path,
                              const OpenRequest& req, const keys::PassphraseSource& pass) {
  auto s = prepare_open(store, req, pass);
  if (!s) return s.error();
  auto o = seal::open_file(in_path, out_path, s->opt, [&](const seal::Opened& opened) {
    return audit_open(store, in_path, out_path, req, *s, opened);
  });
  if (!o) return o.error();
  return received(*s, std::move(*o));
}

Result<std::pair<seal::TempPlaintext, Received>> open_to_temp(Store& store,
                                                              const std::string& in_path,
                                                              const OpenRequest& req,
                                                              const keys::PassphraseSource& pass) {
  auto s = prepare_open(store, req, pass);
  if (!s) return s.error();
  auto o = seal::open_to_temp(in_path, s->opt);
  if (!o) return o.error();
  SF_TRY(audit_open(store, in_path, "(temporary file)", req, *s, o->second));
  Received r = received(*s, std::move(o->second));
  return std::make_pair(std::move(o->first), std::move(r));
}

}  // namespace sfcohort::exchange
