// Bech32 (BIP 173, checksum constant 1) as age uses it: no 90-character
// limit, lower-case recipients and upper-case identities.
#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "sfcohort/age.hpp"

namespace sfcohort::age {
namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

uint32_t polymod(const std::vector<uint8_t>& values) {
  static constexpr uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  uint32_t chk = 1;
  for (uint8_t v : values) {
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

std::vector<uint8_t> hrp_expand(std::string_view hrp) {
  std::vector<uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (char c : hrp) out.push_back(static_cast<uint8_t>(c) >> 5);
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<uint8_t>(c) & 31);
  return out;
}

// Regroups bits; with PAD false, leftover bits must be fewer than FROM and zero.
bool convert_bits(const std::vector<uint8_t>& in, int from, int to, bool pad,
                  std::vector<uint8_t>& out) {
  uint32_t acc = 0;
  int bits = 0;
  const uint32_t maxv = (1u << to) - 1;
  for (uint8_t v : in) {
    if (v >> from) return false;
    acc = (acc << from) | v;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<uint8_t>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits) out.push_back(static_cast<uint8_t>((acc << (to - bits)) & maxv));
  } else if (bits >= from || ((acc << (to - bits)) & maxv)) {
    return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string bech32_encode(std::string_view hrp, const uint8_t* data, size_t n, bool upper) {
  std::string h = lower(hrp);
  std::vector<uint8_t> five;
  convert_bits(std::vector<uint8_t>(data, data + n), 8, 5, true, five);
  std::vector<uint8_t> values = hrp_expand(h);
  values.insert(values.end(), five.begin(), five.end());
  values.insert(values.end(), 6, 0);
  uint32_t mod = polymod(values) ^ 1;
  std::string out = h + "1";
  for (uint8_t v : five) out.push_back(kCharset[v]);
  for (int i = 0; i < 6; ++i) out.push_back(kCharset[(mod >> (5 * (5 - i))) & 31]);
  if (upper) {
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

Result<Bech32> bech32_decode(std::string_view s) {
  bool has_lower = false, has_upper = false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126) return invalid_input("not bech32: invalid character");
    if (std::islower(u)) has_lower = true;
    if (std::isupper(u)) has_upper = true;
  }
  if (has_lower && has_upper) return invalid_input("not bech32: mixed case");
  size_t pos = s.rfind('1');
  if (pos == std::string_view::npos || pos == 0 || pos + 7 > s.size()) {
    return invalid_input("not bech32: no separator or checksum");
  }
  std::string str = lower(s);
  Bech32 r;
  r.hrp = str.substr(0, pos);
  std::vector<uint8_t> values = hrp_expand(r.hrp);
  std::vector<uint8_t> five;
  for (size_t i = pos + 1; i < str.size(); ++i) {
    const char* p = std::char_traits<char>::find(kCharset, 32, str[i]);
    if (!p) return invalid_input("not bech32: invalid character");
    five.push_back(static_cast<uint8_t>(p - kCharset));
  }
  values.insert(values.end(), five.begin(), five.end());
  if (polymod(values) != 1) return invalid_input("not bech32: bad checksum");
  five.resize(five.size() - 6);
  if (!convert_bits(five, 5, 8, false, r.data)) return invalid_input("not bech32: bad padding");
  return r;
}

}  // namespace sfcohort::age
