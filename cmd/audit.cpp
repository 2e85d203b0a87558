// sfcohort audit: registered in the command table; its options and run live here.
#include "cli.hpp"

namespace sfcohort::cli {

void add_audit(CLI::App&, Globals&, Action&) {}

}  // namespace sfcohort::cli
