// sfcohort share partner: add, update and remove partners in the register
// (list and show: cli_share_partner_show.cpp). The library checks and stores them and says where
// each stands; this file parses the options and prints.
#include <algorithm>
#include <cstdio>
#include <map>
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
  bool history = false, no_history = false;
  // update: which options were given (the others are kept).
  std::map<std::string, CLI::Option*> given;
  bool has(const std::string& opt) const {
    auto it = given.find(opt);
    return it != given.end() && it->second->count() > 0;
  }
};

struct PartnerNameOptions {
  std::string name;
  std::string format = "text";
};

// set_agreement's refusal, worded for the --agreement option.
Error agreement_error(Error e) {
  e.message = "--" + e.message;  // "agreement ...": the option's name
  if (!e.hints.empty()) e.hints.back() += "; e.g. --agreement isa=2024-04-01";
  return e;
}

// The partner the options describe, with errors naming the option at fault.
Result<partners::Partner> partner_from(const PartnerAddOptions& o) {
  partners::Partner p;
  p.name = o.name;
  p.recipient = o.recipient;
  p.sign_key = o.sign_key;
  p.legal_basis = o.legal_basis;
  p.allow = o.allow;
  p.history = o.history;
  for (const auto& a : o.agreements) {
    if (auto s = partners::set_agreement(p, a); !s) return agreement_error(std::move(s).error());
  }
  if (!o.expires.empty()) {
    auto d = parse_date(o.expires);
    if (!d) return invalid_input("--expires: " + d.error().message);
    p.expires = d->iso();
  }
  return p;
}

// The change the options of `update` describe: only the options given.
Result<partners::Change> change_from(const PartnerAddOptions& o) {
  partners::Change c;
  if (o.has("--recipient")) c.recipient = o.recipient;
  if (o.has("--sign-key")) c.sign_key = o.sign_key;
  c.agreements = o.agreements;
  for (const auto& a : o.agreements) {
    partners::Partner scratch;  // the message can name the option here
    if (auto s = partners::set_agreement(scratch, a); !s) {
      return agreement_error(std::move(s).error());
    }
  }
  if (o.has("--expires")) {
    if (o.expires == "none") {
      c.expires = "";
    } else {
      auto d = parse_date(o.expires);
      if (!d) return invalid_input("--expires: " + d.error().message);
      c.expires = d->iso();
    }
  }
  if (o.has("--legal-basis")) c.legal_basis = o.legal_basis;
  if (o.has("--allow")) c.allow = o.allow;
  if (o.history) c.history = true;
  if (o.no_history) c.history = false;
  return c;
}

// The partner's keys parse: the library checks them too, but here the
// message can name the option at fault.
Status check_keys(const PartnerAddOptions& o, bool update) {
  const std::string name = trim(o.name);
  if (name.empty()) return Ok{};  // the library's "a partner needs a name"
  if (!update || o.has("--recipient")) {
    if (auto r = age::Recipient::parse(o.recipient); !r) {
      return invalid_input("partner '" + name + "': --recipient: " + r.error().message);
    }
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
  SF_TRY(check_keys(o, false));
  p->added_by = store->context().actor;
  SF_TRY(partners::add(*store, *p));
  auto saved = partners::get(*store, p->name);
  if (!saved) return std::move(saved).error();
  std::printf("added partner '%s'\n", saved->name.c_str());
  if (auto s = partners::standing(*saved, Store::today()); !s.ok()) {
    warn(g, s.message + " (sharing with this partner is refused until this is recorded)");
  }
  return 0;
}

Result<int> run_partner_update(const Globals& g, const PartnerAddOptions& o) {
  auto c = change_from(o);
  if (!c) return std::move(c).error();
  if (c->empty()) {
    return Error(Errc::kInvalidInput, "partner '" + trim(o.name) + "': nothing to change",
                 {"give the options to change (--agreement KIND=DATE, --expires DATE, "
                  "--recipient, --sign-key, --legal-basis, --allow, --history); the others are "
                  "kept"});
  }
  auto store = Store::open(g.context("share partner update"));
  if (!store) return std::move(store).error();
  SF_TRY(check_keys(o, true));
  auto saved = partners::update(*store, o.name, *c);
  if (!saved) return std::move(saved).error();
  std::printf("updated partner '%s'\n", saved->name.c_str());
  if (auto s = partners::standing(*saved, Store::today()); !s.ok()) {
    warn(g, s.message + " (sharing with this partner is refused until this is recorded)");
  }
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

namespace {

// The options add and update share; update keeps what is not given.
void add_partner_fields(CLI::App* sub, PartnerAddOptions& o, bool update) {
  sub->add_option("name", o.name, "the partner's name, e.g. 'West Yorkshire Police'")->required();
  auto* recipient =
      sub->add_option("--recipient", o.recipient, "the partner's age recipient (age1...)");
  if (!update) recipient->required();
  o.given["--recipient"] = recipient;
  o.given["--sign-key"] =
      sub->add_option("--sign-key", o.sign_key, "the partner's minisign public key (RW...)");
  sub->add_option("--agreement", o.agreements,
                  "KIND=DATE: isa, dsp (dsf) or mou and the date it was signed; repeat for each");
  o.given["--expires"] = sub->add_option(
      "--expires", o.expires,
      update ? "the date sharing ends ('none': no end date)" : "the date sharing ends");
  o.given["--legal-basis"] =
      sub->add_option("--legal-basis", o.legal_basis, "the legal basis for sharing");
  o.given["--allow"] = sub->add_option("--allow", o.allow,
                                       "the field profiles the partner may receive: basic or full")
                           ->check(CLI::IsMember({"basic", "full"}));
  auto* h = sub->add_flag("--history", o.history, "the partner may be told about closed families");
  auto* nh = sub->add_flag("--no-history", o.no_history,
                           "closed families are not disclosed to the partner (the default)");
  h->excludes(nh);
}

}  // namespace

void add_share_partner(CLI::App* share, Globals& g, Action& action) {
  CLI::App* partner = share->add_subcommand("partner", "the partner register");
  partner->require_subcommand(1);
  auto pa = std::make_shared<PartnerAddOptions>();
  CLI::App* add = partner->add_subcommand("add", "add a partner to the register");
  add_partner_fields(add, *pa, false);
  add->callback([&g, &action, pa] { action = [&g, pa] { return run_partner_add(g, *pa); }; });

  auto pu = std::make_shared<PartnerAddOptions>();
  CLI::App* update = partner->add_subcommand(
      "update", "change a partner's fields (a renewed agreement, a new key); the others are kept");
  add_partner_fields(update, *pu, true);
  update->callback([&g, &action, pu] { action = [&g, pu] { return run_partner_update(g, *pu); }; });

  auto pl = std::make_shared<PartnerNameOptions>();
  CLI::App* list = partner->add_subcommand("list", "list the partner register");
  list->add_option("--format", pl->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  list->callback(
      [&g, &action, pl] { action = [&g, pl] { return run_partner_list(g, pl->format); }; });

  auto ps = std::make_shared<PartnerNameOptions>();
  CLI::App* show = partner->add_subcommand("show", "show one partner");
  show->add_option("name", ps->name, "the partner's name")->required();
  show->add_option("--format", ps->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  show->callback([&g, &action, ps] {
    action = [&g, ps] { return run_partner_show(g, ps->name, ps->format); };
  });

  auto pr = std::make_shared<PartnerNameOptions>();
  CLI::App* remove = partner->add_subcommand("remove", "remove a partner from the register");
  remove->add_option("name", pr->name, "the partner's name")->required();
  remove->callback([&g, &action, pr] { action = [&g, pr] { return run_partner_remove(g, *pr); }; });
}

}  // namespace sfcohort::cli
