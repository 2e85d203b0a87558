// Audit checkpoints: the trail's size, the root of its keyless digest chain
// and each entry's digest cut to 8 bytes, as a signed note by the auditor.
// The roots and digests come from audit::walk (audit.cpp); this file makes
// and reads the notes and compares them with the trail.
#include <algorithm>

#include "db/audit_internal.hpp"
#include "sfcohort/audit.hpp"
#include "sfcohort/store.hpp"

namespace sfcohort {
namespace {

std::string origin_of(const std::string& db_id) { return "sfcohort-audit/" + db_id; }

std::string b64(const uint8_t* p, size_t n) {
  return base64_encode(std::string_view(reinterpret_cast<const char*>(p), n));
}

struct Parsed {
  std::string name;
  std::string origin;
  int64_t size = 0;
  std::string root;  // raw 32 bytes
  std::string d8;    // raw, 8 bytes an entry
};

Result<Parsed> parse(const CheckpointFile& f, const note::Verifier& auditor) {
  auto body = note::open(f.text, auditor);
  if (!body) return body.error().with_context(f.name);
  auto bad = [&f](const std::string& why) { return invalid_input(f.name + ": " + why); };
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < body->size()) {
    size_t nl = body->find('\n', pos);
    lines.push_back(body->substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (lines.size() != 4) return bad("not an sfcohort audit checkpoint (expected four lines)");
  Parsed p;
  p.name = f.name;
  p.origin = lines[0];
  if (lines[1].empty() || lines[1].size() > 18 ||
      lines[1].find_first_not_of("0123456789") != std::string::npos) {
    return bad("the checkpoint's size '" + lines[1] + "' is not a number");
  }
  p.size = std::stoll(lines[1]);
  auto root = base64_decode(lines[2]);
  if (!root || root->size() != 32) return bad("the checkpoint's root is not a SHA-256 digest");
  p.root = *root;
  if (lines[3].rfind("entries ", 0) != 0) return bad("the checkpoint has no entry digests");
  auto d8 = base64_decode(lines[3].substr(8));
  if (!d8 || d8->size() != static_cast<size_t>(p.size) * 8) {
    return bad("the checkpoint's entry digests do not match its size");
  }
  p.d8 = *d8;
  return p;
}

uint64_t d8_at(const std::string& raw, int64_t i) {
  uint64_t v = 0;
  for (int k = 0; k < 8; ++k)
    v = (v << 8) | static_cast<uint8_t>(raw[static_cast<size_t>(i) * 8 + k]);
  return v;
}

CheckpointCheck compare(const Parsed& p, const audit::Walk& w) {
  CheckpointCheck c;
  c.name = p.name;
  c.size = p.size;
  const int64_t have = static_cast<int64_t>(w.d8.size());
  const int64_t n = std::min(have, p.size);
  for (int64_t i = 0; i < n; ++i) {
    if (w.d8[static_cast<size_t>(i)] != d8_at(p.d8, i)) {
      c.first_bad = i + 1;
      c.problem = "entry " + std::to_string(i + 1) +
                  " is not the entry the checkpoint holds "
                  "(changed, deleted or inserted since)";
      return c;
    }
  }
  if (have < p.size) {
    c.first_bad = have + 1;
    c.problem = "entries " + std::to_string(have + 1) + " to " + std::to_string(p.size) +
                " of the checkpoint are gone from the trail";
    return c;
  }
  auto it = w.roots.find(p.size);
  const Digest32& root = it->second;
  if (std::string(reinterpret_cast<const char*>(root.data()), root.size()) != p.root) {
    c.first_bad = p.size;
    c.problem = "the trail's first " + std::to_string(p.size) +
                " entries do not hash to the checkpoint's root";
    return c;
  }
  c.extends = true;
  return c;
}

}  // namespace

Result<AuditCheck> verify_audit(Store& store, const std::vector<CheckpointFile>& checkpoints,
                                const note::Verifier* auditor,
                                std::vector<CheckpointCheck>* results) {
  std::vector<Parsed> parsed;
  std::vector<int64_t> sizes;
  for (const auto& f : checkpoints) {
    if (!auditor) return invalid_input("checkpoints need the auditor's public key to be checked");
    auto p = parse(f, *auditor);
    if (!p) return p.error();
    if (p->origin != origin_of(store.database_id())) {
      return Error(Errc::kCrypto, f.name + ": the checkpoint is of '" + p->origin +
                                      "', not of this database (" + origin_of(store.database_id()) +
                                      "): its id was replaced, or it is "
                                      "another database's checkpoint");
    }
    sizes.push_back(p->size);
    parsed.push_back(std::move(*p));
  }
  auto w = audit::walk(store, sizes);
  if (!w) return w.error();
  AuditCheck out = w->check;
  for (const auto& p : parsed) {
    CheckpointCheck c = compare(p, *w);
    if (!c.extends && out.intact) {
      out.intact = false;
      out.first_bad = c.first_bad;
      out.problem = p.name + ": " + c.problem;
    } else if (!c.extends && c.first_bad < out.first_bad) {
      out.first_bad = c.first_bad;
    }
    if (results) results->push_back(std::move(c));
  }
  return out;
}

Result<std::string> audit_checkpoint(Store& store, const note::Signer& auditor, int64_t* size) {
  auto w = audit::walk(store, {});
  if (!w) return w.error();
  if (!w->check.intact) {
    return Error(Errc::kCrypto, "the audit trail is altered: " + w->check.problem,
                 {"a checkpoint records the trail as it is: find out what happened first"});
  }
  const int64_t n = w->check.entries;
  std::string d8(static_cast<size_t>(n) * 8, '\0');
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t v = w->d8[static_cast<size_t>(i)];
    for (int k = 0; k < 8; ++k)
      d8[static_cast<size_t>(i) * 8 + k] = static_cast<char>(v >> (56 - 8 * k));
  }
  const Digest32& root = w->roots.at(n);
  const std::string text = origin_of(store.database_id()) + "\n" + std::to_string(n) + "\n" +
                           b64(root.data(), root.size()) + "\nentries " +
                           b64(reinterpret_cast<const uint8_t*>(d8.data()), d8.size()) + "\n";
  std::string signed_note = auditor.sign(text);
  SF_TRY(store.audit("audit trail", {{"checkpoint", n},
                                     {"root", b64(root.data(), root.size())},
                                     {"auditor", auditor.verifier().text()}}));
  if (size) *size = n;
  return signed_note;
}

}  // namespace sfcohort
