#include "core/countdown/rational.h"

#include <cstdlib>
#include <numeric>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace arts::countdown {
namespace {

absl::Status Overflow() {
  return absl::OutOfRangeError("rational arithmetic overflows 64 bits");
}

// Reduces a 128-bit fraction and checks that it fits back into 64 bits.
absl::StatusOr<Rational> FromWide(__int128 num, __int128 den) {
  if (den == 0) return absl::InvalidArgumentError("division by zero");
  if (den < 0) {
    num = -num;
    den = -den;
  }
  __int128 a = num < 0 ? -num : num;
  __int128 b = den;
  while (b != 0) {
    __int128 t = a % b;
    a = b;
    b = t;
  }
  if (a > 1) {
    num /= a;
    den /= a;
  }
  if (num > INT64_MAX || num < -INT64_MAX || den > INT64_MAX) return Overflow();
  return Rational::Make(static_cast<int64_t>(num), static_cast<int64_t>(den));
}

}  // namespace

absl::StatusOr<Rational> Rational::Make(int64_t num, int64_t den) {
  if (den == 0) return absl::InvalidArgumentError("division by zero");
  if (num == INT64_MIN || den == INT64_MIN) return Overflow();
  if (den < 0) {
    num = -num;
    den = -den;
  }
  int64_t g = std::gcd(num < 0 ? -num : num, den);
  Rational r;
  r.num_ = num / g;
  r.den_ = den / g;
  return r;
}

absl::StatusOr<Rational> Rational::Parse(absl::string_view text) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad number '", text, "': ", why));
  };
  if (text.empty()) return bad("empty");
  size_t slash = text.find('/');
  absl::string_view num_text = text.substr(0, slash);
  auto digits_ok = [](absl::string_view s, bool allow_sign) {
    if (allow_sign && !s.empty() && s[0] == '-') s.remove_prefix(1);
    if (s.empty() || s.size() > 18) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return s.size() == 1 || s[0] != '0';
  };
  if (!digits_ok(num_text, true)) {
    return bad("expected an integer or a reduced fraction p/q");
  }
  int64_t num = 0;
  if (!absl::SimpleAtoi(num_text, &num)) return bad("not an integer");
  if (num_text == "-0") return bad("negative zero");
  if (slash == absl::string_view::npos) return Rational(num);
  absl::string_view den_text = text.substr(slash + 1);
  int64_t den = 0;
  if (!digits_ok(den_text, false) || !absl::SimpleAtoi(den_text, &den)) {
    return bad("denominator must be a positive integer");
  }
  if (den <= 1) return bad("denominator must be greater than 1");
  if (std::gcd(num < 0 ? -num : num, den) != 1) return bad("not reduced");
  return Make(num, den);
}

std::string Rational::ToString() const {
  if (den_ == 1) return absl::StrCat(num_);
  return absl::StrCat(num_, "/", den_);
}

bool operator<(const Rational& a, const Rational& b) {
  return static_cast<__int128>(a.num_) * b.den_ <
         static_cast<__int128>(b.num_) * a.den_;
}

absl::StatusOr<Rational> Add(const Rational& a, const Rational& b) {
  return FromWide(static_cast<__int128>(a.num()) * b.den() +
                      static_cast<__int128>(b.num()) * a.den(),
                  static_cast<__int128>(a.den()) * b.den());
}

absl::StatusOr<Rational> Subtract(const Rational& a, const Rational& b) {
  return FromWide(static_cast<__int128>(a.num()) * b.den() -
                      static_cast<__int128>(b.num()) * a.den(),
                  static_cast<__int128>(a.den()) * b.den());
}

absl::StatusOr<Rational> Multiply(const Rational& a, const Rational& b) {
  return FromWide(static_cast<__int128>(a.num()) * b.num(),
                  static_cast<__int128>(a.den()) * b.den());
}

absl::StatusOr<Rational> Divide(const Rational& a, const Rational& b) {
  if (b.is_zero()) return absl::InvalidArgumentError("division by zero");
  return FromWide(static_cast<__int128>(a.num()) * b.den(),
                  static_cast<__int128>(a.den()) * b.num());
}

}  // namespace arts::countdown
