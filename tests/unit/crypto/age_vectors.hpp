// The C2SP/CCTV age test vectors (tests/data/age-vectors), read for the unit
// tests: each file is "key: value" lines, a blank line, then the age file,
// zlib-compressed when the "compressed" key is present.
#pragma once

#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sfcohort/io.hpp"

namespace sfcohort::testing {

struct AgeVector {
  std::string name;
  std::multimap<std::string, std::string> meta;
  std::string file;
};

inline std::string inflate_all(const std::string& in) {
  z_stream zs{};
  REQUIRE(inflateInit(&zs) == Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  std::vector<char> buf(1 << 16);
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = static_cast<uInt>(buf.size());
    rc = inflate(&zs, Z_NO_FLUSH);
    REQUIRE((rc == Z_OK || rc == Z_STREAM_END));
    out.append(buf.data(), buf.size() - zs.avail_out);
  } while (rc != Z_STREAM_END);
  inflateEnd(&zs);
  return out;
}

inline AgeVector load_age_vector(const std::filesystem::path& p) {
  auto text = read_file(p.string());
  REQUIRE(text);
  AgeVector v;
  v.name = p.filename().string();
  size_t split = text->find("\n\n");
  REQUIRE(split != std::string::npos);
  std::string_view head(text->data(), split + 1);
  while (!head.empty()) {
    size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head.remove_prefix(nl + 1);
    size_t colon = line.find(": ");
    REQUIRE(colon != std::string_view::npos);
    v.meta.emplace(std::string(line.substr(0, colon)), std::string(line.substr(colon + 2)));
  }
  v.file = text->substr(split + 2);
  if (v.meta.count("compressed")) v.file = inflate_all(v.file);
  return v;
}

}  // namespace sfcohort::testing
