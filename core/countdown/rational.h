#ifndef ARTS_CORE_COUNTDOWN_RATIONAL_H_
#define ARTS_CORE_COUNTDOWN_RATIONAL_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arts::countdown {

// An exact rational number p/q, always reduced with q > 0. Arithmetic that
// would overflow 64 bits returns an error instead of wrapping around.
class Rational {
 public:
  Rational() = default;
  Rational(int64_t integer) : num_(integer) {}  // NOLINT: implicit by design.

  // Fails on a zero denominator or when reduction overflows.
  static absl::StatusOr<Rational> Make(int64_t num, int64_t den);

  // Parses `12`, `-7`, `1/5` or `-3/4` (reduced form, no spaces, den > 1).
  static absl::StatusOr<Rational> Parse(absl::string_view text);

  int64_t num() const { return num_; }
  int64_t den() const { return den_; }
  bool is_integer() const { return den_ == 1; }
  bool is_zero() const { return num_ == 0; }

  // Integers print as `12`, fractions as `p/q` with the sign on p.
  std::string ToString() const;

  friend bool operator==(const Rational& a, const Rational& b) {
    return a.num_ == b.num_ && a.den_ == b.den_;
  }
  friend bool operator!=(const Rational& a, const Rational& b) {
    return !(a == b);
  }
  // Total order by value; exact (128-bit cross multiplication).
  friend bool operator<(const Rational& a, const Rational& b);

 private:
  int64_t num_ = 0;
  int64_t den_ = 1;
};

absl::StatusOr<Rational> Add(const Rational& a, const Rational& b);
absl::StatusOr<Rational> Subtract(const Rational& a, const Rational& b);
absl::StatusOr<Rational> Multiply(const Rational& a, const Rational& b);
// Division by zero is an InvalidArgument error.
absl::StatusOr<Rational> Divide(const Rational& a, const Rational& b);

}  // namespace arts::countdown

#endif  // ARTS_CORE_COUNTDOWN_RATIONAL_H_
