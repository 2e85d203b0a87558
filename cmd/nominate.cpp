// sfcohort nominate: registered in the command table; its options and run live here.
#include "cli.hpp"

namespace sfcohort::cli {

void add_nominate(CLI::App&, Globals&, Action&) {}

}  // namespace sfcohort::cli
