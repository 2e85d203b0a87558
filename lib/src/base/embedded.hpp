// Files compiled into the binary by cmake/embed.cmake: the schema migrations,
// the shipped criteria sets and the name-variant tables.
#pragma once

#include <string_view>
#include <vector>

namespace sfcohort::embedded {

struct Resource {
  std::string_view name;  // path relative to the source root, e.g. "schema/0001_init.sql"
  std::string_view data;
};

// Every embedded file, sorted by name.
const std::vector<Resource>& all();

}  // namespace sfcohort::embedded
