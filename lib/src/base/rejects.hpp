// The rejects file of a table import (`import --rejects`, `evidence import
// --rejects`): each invalid row as read, between a `row` column (its number
// as the spreadsheet shows it) and an `error` column, written in pieces as
// it grows and made visible only by commit(). Without open() it does nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sfcohort/csv.hpp"
#include "sfcohort/io.hpp"

namespace sfcohort {

class RejectsFile {
 public:
  Status open(const std::string& path, const std::vector<std::string>& header) {
    auto f = AtomicFile::create(path, 0600);
    if (!f) return f.error();
    file_.emplace(std::move(*f));
    columns_ = header.size();
    std::vector<std::string> h = {"row"};
    h.insert(h.end(), header.begin(), header.end());
    h.push_back("error");
    append_csv_row(buf_, h);
    return Ok{};
  }
  // Row N, its fields ROW (padded or cut to the header's width), and why.
  Status add(size_t n, std::vector<std::string> row, const std::string& problem) {
    if (!file_) return Ok{};
    row.resize(columns_);
    row.insert(row.begin(), std::to_string(n));
    row.push_back(problem);
    append_csv_row(buf_, row);
    return buf_.size() <= (1 << 16) ? Status(Ok{}) : flush();
  }
  // Writes what is buffered (before the import commits; commit() after it).
  Status flush() {
    if (!file_ || buf_.empty()) return Ok{};
    SF_TRY(file_->write(buf_));
    buf_.clear();
    return Ok{};
  }
  Status commit() {
    SF_TRY(flush());
    return file_ ? file_->commit() : Status(Ok{});
  }

 private:
  std::optional<AtomicFile> file_;
  size_t columns_ = 0;
  std::string buf_;
};

}  // namespace sfcohort
