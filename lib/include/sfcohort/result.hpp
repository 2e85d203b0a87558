// Errors as values. Result<T> holds a T or an Error and uses std::expected's
// method names (has_value, value, error, operator*, operator->), so moving to
// C++23 is a search and replace. The library never prints and never exits:
// it returns these, and cmd/main.cpp maps Errc to the exit statuses of the
// command-line contract.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace sfcohort {

// One value per exit status of the contract. "No match" and "not eligible" are
// answers, not errors, so they have no code here.
enum class Errc {
  kInvalidInput = 2,   // usage, bad date, bad CSV/JSON, unknown indicator/set/partner
  kEnvironment = 3,    // database missing/locked/not ours, file unreadable, disk full
  kCrypto = 4,         // no key, wrong key or passphrase, tampered/truncated/unsigned
  kPolicy = 5,         // agreements missing or expired, no consent, profile not allowed
  kInternal = 70,      // a bug
  kInterrupted = 130,  // SIGINT
};

struct Error {
  Errc code = Errc::kInternal;
  std::string message;             // one line, lower case, what failed first
  std::vector<std::string> hints;  // optional "hint:" lines
  // Further errors found in the same input (a file checked as a whole), one
  // line each, reported after MESSAGE.
  std::vector<std::string> more;
  // What went wrong, for the command layer, where it words hints of its own
  // (naming its flags): a Subject, or kNone.
  enum class Subject { kNone, kDatabaseName, kColumns } subject = Subject::kNone;

  Error() = default;
  Error(Errc c, std::string m, std::vector<std::string> h = {})
      : code(c), message(std::move(m)), hints(std::move(h)) {}
  // Returns a copy whose message is "<prefix>: <message>".
  Error with_context(const std::string& prefix) const {
    Error e = *this;
    e.message = prefix + ": " + message;
    return e;
  }
};

struct Ok {};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(const T& v) : v_(std::in_place_index<0>, v) {}
  Result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }
  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> v_;
};

using Status = Result<Ok>;

inline Error invalid_input(std::string m) { return Error(Errc::kInvalidInput, std::move(m)); }
inline Error environment_error(std::string m) { return Error(Errc::kEnvironment, std::move(m)); }
inline Error crypto_error(std::string m) { return Error(Errc::kCrypto, std::move(m)); }
inline Error policy_error(std::string m) { return Error(Errc::kPolicy, std::move(m)); }
inline Error internal_error(std::string m) { return Error(Errc::kInternal, std::move(m)); }

// Returns early from the enclosing function with the error of a failed Result.
#define SF_TRY(expr)                           \
  do {                                         \
    if (auto sf_try_r_ = (expr); !sf_try_r_) { \
      return std::move(sf_try_r_).error();     \
    }                                          \
  } while (0)

}  // namespace sfcohort
