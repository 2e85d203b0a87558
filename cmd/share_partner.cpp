// sfcohort share partner: add, list, show and remove partners in the
// register. The library checks and stores them and says where each stands;
// this file parses the options and prints.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "sfcohort/age.hpp"
#include "sfcohort/minisign.hpp"
#include "sfcohort/partners.hpp"
#include "sfcohort/store.hpp"
#include "sfcohort/text.hpp"
#include "share.hpp"

namespace sfcohort::cli {
namespace {

struct PartnerAddOptions {
  std::string name, recipient, sign_key, expires, legal_basis, allow = "basic";
  std::vector<std::string> agreements;
};

struct PartnerNameOptions {
  std::string name;
  std::string format = "text";
};

// The partner the options describe, with errors naming the option at fault.
Result<partners::Partner> partner_from(const PartnerAddOptions& o) {
  partners::Partner p;
  p.name = o.name;
  p.recipient = o.recipient;
  p.sign_key = o.sign_key;
  p.legal_basis = o.legal_basis;
  p.allow = o.allow;
  for (const auto& a : o.agreements) {
    if (auto s = partners::set_agreement(p, a); !s) {
      Error e = std::move(s).error();
      e.message = "--" + e.message;  // "agreement ...": the option's name
      if (!e.hints.empty()) e.hints.back() += "; e.g. --agreement isa=2024-04-01";
      return e;
    }
  }
  if (!o.expires.empty()) {
    auto d = parse_date(o.expires);
    if (!d) return invalid_input("--expires: " + d.error().message);
    p.expires = d->iso();
  }
  return p;
}

// The partner's keys parse: the library checks them too, but here the
// message can name the option at fault.
Status check_keys(const PartnerAddOptions& o) {
  const std::string name = trim(o.name);
  if (name.empty()) return Ok{};  // the library's "a partner needs a name"
  if (auto r = age::Recipient::parse(o.recipient); !r) {
    return invalid_input("partner '" + name + "': --recipient: " + r.error().message);
  }
  if (!o.sign_key.empty()) {
    if (auto k = minisign::PublicKey::parse(o.sign_key); !k) {
      return invalid_input("partner '" + name + "': --sign-key: " + k.error().message);
    }
  }
  return Ok{};
}

Result<int> run_partner_add(const Globals& g, const PartnerAddOptions& o) {
  auto p = partner_from(o);
  if (!p) return std::move(p).error();
  auto store = Store::open(g.context("share partner add"));
  if (!store) return std::move(store).error();
  SF_TRY(check_keys(o));
  p->added_by = store->context().actor;
  auto is_new = partners::add(*store, *p);
  if (!is_new) return std::move(is_new).error();
  auto saved = partners::get(*store, p->name);
  if (!saved) return std::move(saved).error();
  std::printf("%s partner '%s'\n", *is_new ? "added" : "updated", saved->name.c_str());
  if (auto s = partners::standing(*saved, Store::today()); !s.ok()) {
    warn(g, s.message + " (sharing with this partner is refused until this is recorded)");
  }
  return 0;
}

Result<int> run_partner_list(const Globals& g, const PartnerNameOptions& o) {
  auto store = Store::open(g.context("share partner list"));
  if (!store) return std::move(store).error();
  auto all = partners::list(*store);
  if (!all) return std::move(all).error();
  const std::string today = Store::today();
  if (o.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& p : *all) {
      auto j = p.to_json();
      j["status"] = partners::standing(p, today).name();
      arr.push_back(j);
    }
    std::printf("%s\n", arr.dump().c_str());
    return 0;
  }
  if (all->empty()) {
    std::printf("no partners registered\n");
    note(g,
         "add one with 'sfcohort share partner add NAME --recipient age1... --agreement isa=DATE "
         "...'");
    return 0;
  }
  size_t w = 4;
  for (const auto& p : *all) w = std::max(w, p.name.size());
  auto d = [](const std::optional<std::string>& v) { return v ? *v : std::string("-"); };
  std::printf("%-*s  %-8s  %-5s  %-10s  %-10s  %-10s  %s\n", static_cast<int>(w), "NAME", "STATUS",
              "ALLOW", "ISA", "DSP", "MOU", "EXPIRES");
  for (const auto& p : *all) {
    std::printf("%-*s  %-8s  %-5s  %-10s  %-10s  %-10s  %s\n", static_cast<int>(w), p.name.c_str(),
                partners::standing(p, today).name(), p.allow.c_str(), d(p.isa).c_str(),
                d(p.dsp).c_str(), d(p.mou).c_str(), d(p.expires).c_str());
  }
  return 0;
}

Result<int> run_partner_show(const Globals& g, const PartnerNameOptions& o) {
  auto store = Store::open(g.context("share partner show"));
  if (!store) return std::move(store).error();
  auto p = partners::get(*store, o.name);
  if (!p) return std::move(p).error();
  const partners::Standing s = partners::standing(*p, Store::today());
  if (o.format == "json") {
    auto j = p->to_json();
    j["status"] = s.name();
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  auto d = [](const std::optional<std::string>& v) { return v ? *v : std::string("(none)"); };
  std::printf("%s\n", p->name.c_str());
  std::printf("  status       %s\n", s.ok() ? "ok: sharing allowed" : s.message.c_str());
  std::printf("  recipient    %s\n", p->recipient.c_str());
  std::printf("  sign key     %s\n",
              p->sign_key.empty() ? "(none: its files cannot be verified)" : p->sign_key.c_str());
  std::printf("  isa          %s\n", d(p->isa).c_str());
  std::printf("  dsp          %s\n", d(p->dsp).c_str());
  std::printf("  mou          %s\n", d(p->mou).c_str());
  std::printf("  expires      %s\n", d(p->expires).c_str());
  std::printf("  allow        %s\n", p->allow.c_str());
  std::printf("  legal basis  %s\n", p->legal_basis.empty() ? "(none)" : p->legal_basis.c_str());
  std::printf("  added        %s by %s\n", p->added_at.c_str(), p->added_by.c_str());
  return 0;
}

Result<int> run_partner_remove(const Globals& g, const PartnerNameOptions& o) {
  auto store = Store::open(g.context("share partner remove"));
  if (!store) return std::move(store).error();
  auto p = partners::get(*store, o.name);
  if (!p) return std::move(p).error();
  SF_TRY(partners::remove(*store, p->name));
  std::printf("removed partner '%s'\n", p->name.c_str());
  return 0;
}

}  // namespace

void add_share_partner(CLI::App* share, Globals& g, Action& action) {
  CLI::App* partner = share->add_subcommand("partner", "the partner register");
  partner->require_subcommand(1);
  auto pa = std::make_shared<PartnerAddOptions>();
  CLI::App* add =
      partner->add_subcommand("add", "add a partner, or update one (a renewed agreement)");
  add->add_option("name", pa->name, "the partner's name, e.g. 'West Yorkshire Police'")->required();
  add->add_option("--recipient", pa->recipient, "the partner's age recipient (age1...)")
      ->required();
  add->add_option("--sign-key", pa->sign_key, "the partner's minisign public key (RW...)");
  add->add_option("--agreement", pa->agreements,
                  "KIND=DATE: isa, dsp (dsf) or mou and the date it was signed; repeat for each");
  add->add_option("--expires", pa->expires, "the date sharing ends");
  add->add_option("--legal-basis", pa->legal_basis, "the legal basis for sharing");
  add->add_option("--allow", pa->allow, "the field profiles the partner may receive: basic or full")
      ->check(CLI::IsMember({"basic", "full"}));
  add->callback([&g, &action, pa] { action = [&g, pa] { return run_partner_add(g, *pa); }; });

  auto pl = std::make_shared<PartnerNameOptions>();
  CLI::App* list = partner->add_subcommand("list", "list the partner register");
  list->add_option("--format", pl->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  list->callback([&g, &action, pl] { action = [&g, pl] { return run_partner_list(g, *pl); }; });

  auto ps = std::make_shared<PartnerNameOptions>();
  CLI::App* show = partner->add_subcommand("show", "show one partner");
  show->add_option("name", ps->name, "the partner's name")->required();
  show->add_option("--format", ps->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  show->callback([&g, &action, ps] { action = [&g, ps] { return run_partner_show(g, *ps); }; });

  auto pr = std::make_shared<PartnerNameOptions>();
  CLI::App* remove = partner->add_subcommand("remove", "remove a partner from the register");
  remove->add_option("name", pr->name, "the partner's name")->required();
  remove->callback([&g, &action, pr] { action = [&g, pr] { return run_partner_remove(g, *pr); }; });
}

}  // namespace sfcohort::cli
