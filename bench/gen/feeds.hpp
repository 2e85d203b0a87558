// `sfcohort-gen feeds`: partners' evidence feeds of known truth (feeds.cpp).
#pragma once

#include <string>
#include <vector>

namespace gen {

// Runs `sfcohort-gen feeds` with ARGS (the words after "feeds"); returns the
// exit status, having printed any error to stderr.
int run_feeds(const std::vector<std::string>& args);

}  // namespace gen
