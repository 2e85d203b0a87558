// The partner-facing side of a bulk lookup. The order is the policy: the
// partners are checked before the request is opened (no personal data is
// looked at for a partner the team may not answer), and the full results are
// cut down to what a partner may learn before anything is sealed.
#include "sfcohort/sealed_request.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "sfcohort/age.hpp"
#include "sfcohort/io.hpp"
#include "sfcohort/partner_reply.hpp"
#include "sfcohort/partners.hpp"

namespace sfcohort::exchange {
namespace {

std::string file_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

// A private scratch file beside OUTPUT, so the full results stay on the
// output's disk and under its folder's permissions.
Result<TempFile> scratch_beside(const std::string& output) {
  const std::string dir = TempFile::folder_of(output);
  auto t = TempFile::create(dir, ".sfcohort-reply");
  if (!t) {
    // The folder, not the file that could not be made, is what a person can fix.
    Error e = std::move(t).error();
    if (auto pos = e.message.find(": cannot create"); pos != std::string::npos)
      e.message = dir + e.message.substr(pos);
    return e;
  }
  t->close();
  return t;
}

// Looks the request up into a scratch file, cuts it down to the partner
// reply in another, and seals that to OPT.reply_to at OPT.batch.output.
Status answer_sealed(Store& store, const AnswerOptions& opt, BatchOptions batch,
                     const std::string& request, Answer& answer) {
  auto full = scratch_beside(opt.batch.output);
  if (!full) return full.error();
  auto reply = scratch_beside(opt.batch.output);
  if (!reply) return reply.error();
  batch.output = full->path();
  auto summary = lookup_batch(store, batch);
  if (!summary) return summary.error();
  answer.summary = std::move(*summary);
  if (opt.on_looked_up) opt.on_looked_up(answer.summary);

  // A closed family is told as known only when every partner the reply is
  // for may be told history (share partner update NAME --history).
  PartnerReplyOptions ro;
  bool all_history = !opt.reply_to.empty();
  for (const auto& name : opt.reply_to) {
    auto p = partners::get(store, name);
    if (!p) return std::move(p).error();
    all_history = all_history && p->history;
  }
  ro.history = opt.history || all_history;
  std::vector<Disclosure> people;
  ro.people = &people;
  auto disclosed = write_partner_reply(store, full->path(), batch.format == BatchFormat::kJsonl,
                                       reply->path(), ro);
  if (!disclosed) return std::move(disclosed).error();
  SealRequest req;
  req.partners = opt.reply_to;
  req.profile = "basic";
  req.armor = opt.armor;
  req.audit_subject = "lookup reply " + file_name(opt.batch.output);
  req.audit_detail = {{"families", *disclosed}, {"request", request}};
  req.disclosed = std::move(people);
  std::FILE* in = std::fopen(reply->path().c_str(), "rb");
  if (!in) return errno_error(reply->path(), "cannot read");
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(in, std::fclose);
  age::FileSource src(in, reply->path());
  auto sealed = seal_for(store, src, opt.batch.output, req, opt.signing_passphrase);
  if (!sealed) return std::move(sealed).error();
  answer.reply = std::move(*sealed);
  answer.families = std::move(*disclosed);
  return Ok{};
}

}  // namespace

bool is_sealed_request(const std::string& path) {
  if (path == "-") return false;
  // A pipe cannot be peeked at without taking what it gives away (the
  // open proper would then wait for a writer forever): its name decides.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return path.size() > 4 && path.compare(path.size() - 4, 4, ".age") == 0;
  }
  char head[64] = {0};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return age::looks_like_age(std::string_view(head, n));
}

Result<Answer> answer_request(Store& store, const AnswerOptions& opt) {
  const bool sealed_in = is_sealed_request(opt.batch.input);
  if (!opt.reply_to.empty()) {
    if (opt.batch.output.empty() || opt.batch.output == "-")
      return invalid_input("a sealed reply needs an output file (its signature goes beside it)");
    // Refuse an unknown partner or one without agreements in force before
    // any personal data is looked at.
    auto dest = partners::destination(store, opt.reply_to, "basic", Store::today());
    if (!dest) return std::move(dest).error();
  }
  Answer answer;
  BatchOptions batch = opt.batch;
  std::optional<seal::TempPlaintext> plaintext;
  if (sealed_in) {
    OpenRequest req;
    req.from = opt.from;
    req.verify = opt.verify;
    req.audit_subject = "lookup request " + file_name(opt.batch.input);
    auto opened = open_to_temp(store, opt.batch.input, req, opt.identity_passphrase);
    if (!opened) return std::move(opened).error();
    answer.request = std::move(opened->second);
    if (opt.on_opened) opt.on_opened(*answer.request);
    plaintext.emplace(std::move(opened->first));
    batch.input = plaintext->path();
    if (batch.audit_subject.empty()) batch.audit_subject = opt.batch.input;
  }
  if (opt.reply_to.empty()) {
    auto summary = lookup_batch(store, batch);
    if (!summary) return summary.error();
    answer.summary = std::move(*summary);
    if (opt.on_looked_up) opt.on_looked_up(answer.summary);
    return answer;
  }
  SF_TRY(answer_sealed(store, opt, std::move(batch), opt.batch.input, answer));
  return answer;
}

}  // namespace sfcohort::exchange
