// sfcohort share partner list and show: the register as the library holds
// it, and where each partner stands (cli_share_partner.cpp adds and changes).
#include <algorithm>
#include <cstdio>
#include <utility>

#include "sfcohort/partners.hpp"
#include "sfcohort/store.hpp"
#include "share.hpp"

namespace sfcohort::cli {
namespace {

// What a partner's standing means for sharing, and what to do about it:
// show describes the partner rather than repeating the refusal.
std::pair<std::string, std::string> status_lines(const partners::Partner& p,
                                                 const partners::Standing& s) {
  const std::string update = "sfcohort share partner update '" + p.name + "' ";
  using K = partners::Standing::Kind;
  switch (s.kind) {
    case K::kOk:
      return {"ok: sharing allowed" + (p.expires ? " until " + *p.expires : std::string()), ""};
    case K::kMissing:
      return {"missing " + s.agreement + ": sharing refused until it is recorded",
              "record it with: " + update + "--agreement " + s.agreement + "=DATE"};
    case K::kNotYet:
      return {"not yet: the " + s.agreement + " is dated after today; sharing starts then", ""};
    case K::kExpired:
      return {
          "expired on " + p.expires.value_or("?") + ": sharing refused until renewed",
          "record the renewed agreement with: " + update + "--agreement isa=DATE --expires DATE"};
  }
  return {s.name(), ""};
}

}  // namespace

Result<int> run_partner_list(const Globals& g, const std::string& format) {
  auto store = Store::open(g.context("share partner list"));
  if (!store) return std::move(store).error();
  auto all = partners::list(*store);
  if (!all) return std::move(all).error();
  const std::string today = Store::today();
  if (format == "json") {
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

Result<int> run_partner_show(const Globals& g, const std::string& name, const std::string& format) {
  auto store = Store::open(g.context("share partner show"));
  if (!store) return std::move(store).error();
  auto p = partners::get(*store, name);
  if (!p) return std::move(p).error();
  const partners::Standing s = partners::standing(*p, Store::today());
  if (format == "json") {
    auto j = p->to_json();
    j["status"] = s.name();
    std::printf("%s\n", j.dump().c_str());
    return 0;
  }
  auto d = [](const std::optional<std::string>& v) { return v ? *v : std::string("(none)"); };
  const auto [status, todo] = status_lines(*p, s);
  std::printf("%s\n", p->name.c_str());
  std::printf("  status       %s\n", status.c_str());
  std::printf("  recipient    %s\n", p->recipient.c_str());
  std::printf("  sign key     %s\n",
              p->sign_key.empty() ? "(none: its files cannot be verified)" : p->sign_key.c_str());
  std::printf("  isa          %s\n", d(p->isa).c_str());
  std::printf("  dsp          %s\n", d(p->dsp).c_str());
  std::printf("  mou          %s\n", d(p->mou).c_str());
  std::printf("  expires      %s\n", d(p->expires).c_str());
  std::printf("  allow        %s\n", p->allow.c_str());
  std::printf("  history      %s\n", p->history ? "yes: may be told about closed families"
                                                : "no: closed families are not disclosed");
  std::printf("  legal basis  %s\n", p->legal_basis.empty() ? "(none)" : p->legal_basis.c_str());
  std::printf("  added        %s by %s\n", p->added_at.c_str(), p->added_by.c_str());
  std::printf("  updated      %s\n", p->updated_at.c_str());
  if (!todo.empty()) std::printf("  next step    %s\n", todo.c_str());
  return 0;
}

}  // namespace sfcohort::cli
