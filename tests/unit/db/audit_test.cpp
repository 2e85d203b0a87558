// The audit entry's canonical text is written by hand for speed; it must be
// byte for byte what nlohmann::json::dump() wrote (older entries' MACs cover
// that text).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "db/audit_internal.hpp"

using namespace sfcohort;

TEST_CASE("audit: canonical text is nlohmann's dump") {
  const std::string tricky[] = {"",
                                "O'Brien",
                                "quote \" and backslash \\",
                                "tab\tnewline\nreturn\rbell\x07 nul-free \x01\x1f",
                                "\b\f",
                                "Zoë Ωμέγα 日本 🙂",
                                "{\"a\":1,\"b\":[1,2]}",
                                "del \x7f slash /"};
  int64_t seq = 1;
  for (const auto& s : tricky) {
    for (const std::string& os : {std::string(), std::string("officer")}) {
      nlohmann::json a = nlohmann::json::array({seq, "2026-12-04T12:00:00Z", s, "import", s, s, s});
      if (!os.empty()) a.push_back(os);
      CHECK(audit::canonical(seq, "2026-12-04T12:00:00Z", s, "import", s, s, s, os) == a.dump());
      seq = seq * 7919 + 1;
    }
  }
}
