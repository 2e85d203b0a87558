// The workbook reader behind open_table() (sfcohort/table.hpp). Private to
// base/.
#pragma once

#include <memory>
#include <string>

#include "sfcohort/result.hpp"
#include "sfcohort/table.hpp"

namespace sfcohort::xlsx {

// True when the first bytes of a file (at least 4) are a zip archive's.
bool looks_like_zip(std::string_view head);

// Opens the workbook at PATH and reads the header row of its first sheet
// (OPT.sheet: the sheet of that name). The whole file is passed to
// OPT.observer first. Errors: unreadable (Errc::kEnvironment); not a zip,
// no such sheet, XML that does not parse, no header row
// (Errc::kInvalidInput, naming the file, and the sheet where known).
Result<std::unique_ptr<RowSource>> open_workbook(const std::string& path, const TableOptions& opt);

}  // namespace sfcohort::xlsx
