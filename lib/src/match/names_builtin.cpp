#include "match/names.hpp"

namespace sfcohort::names {

// Written at build time by lib/gen/names_table.cpp (names_table.cpp in the
// build directory).
extern const CompiledTable kCompiledTable;

const Variants& Variants::builtin() {
  static const Variants v = compiled(kCompiledTable);
  return v;
}

}  // namespace sfcohort::names
