#include "match_index.hpp"

namespace sfcohort::match {

// Match keys arrive with the lookup module (schema/0002_match.sql).
Status index_person(Store&, const Person&) { return Ok{}; }

}  // namespace sfcohort::match
