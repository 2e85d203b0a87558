// sfcohort init: registered in the command table; its options and run live here.
#include "cli.hpp"

namespace sfcohort::cli {

void add_init(CLI::App&, Globals&, Action&) {}

}  // namespace sfcohort::cli
