// Tests of the Countdown task: exact rationals, problem and step text, and the
// checker that judges traces.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/countdown/checker.h"
#include "core/countdown/problem.h"
#include "core/countdown/rational.h"
#include "core/countdown/step.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace arts::countdown {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Rational R(absl::string_view text) {
  absl::StatusOr<Rational> r = Rational::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status();
  return r.ok() ? *r : Rational();
}

Problem P(absl::string_view text) {
  absl::StatusOr<Problem> p = ParseProblem(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status();
  return p.ok() ? *p : Problem();
}

// --- Rational ---------------------------------------------------------------

TEST(RationalTest, ParsePrintRoundTrips) {
  for (const char* text : {"0", "7", "24", "-7", "1/5", "-3/4", "13/9",
                           "123456789012345678", "-123456789012345678"}) {
    absl::StatusOr<Rational> r = Rational::Parse(text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.status();
    EXPECT_EQ(r->ToString(), text);
  }
}

TEST(RationalTest, ParseGivesNumeratorAndDenominator) {
  Rational r = R("-3/4");
  EXPECT_EQ(r.num(), -3);
  EXPECT_EQ(r.den(), 4);
  EXPECT_FALSE(r.is_integer());
  Rational n = R("-7");
  EXPECT_EQ(n.num(), -7);
  EXPECT_EQ(n.den(), 1);
  EXPECT_TRUE(n.is_integer());
  EXPECT_TRUE(R("0").is_zero());
}

TEST(RationalTest, ParseRejectsNonCanonicalAndJunk) {
  for (const char* text :
       {"2/4",  "1/0",  "1/1",  "-0",    "-0/5",
        "0/5",  "",     "-",    "+5",    "05",
        "00",   "1/05", "1/-5", "-1/-5", "1 /5",
        "1/ 5", " 1",   "1 ",   "1/5/2", "1.5",
        "abc",  "12a",  "/5",   "1/",    "1234567890123456789"}) {
    absl::StatusOr<Rational> r = Rational::Parse(text);
    EXPECT_FALSE(r.ok()) << "'" << text << "' parsed as " << r->ToString();
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << text;
    }
  }
}

TEST(RationalTest, ParseRejectsUnreducedFractionWithReason) {
  absl::StatusOr<Rational> r = Rational::Parse("2/4");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("not reduced"));
}

TEST(RationalTest, MakeReducesAndNormalisesSign) {
  absl::StatusOr<Rational> r = Rational::Make(-4, -6);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ToString(), "2/3");
  r = Rational::Make(4, -6);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ToString(), "-2/3");
  r = Rational::Make(0, -5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->num(), 0);
  EXPECT_EQ(r->den(), 1);
  EXPECT_EQ(Rational::Make(1, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Rational::Make(INT64_MIN, 1).ok());
}

TEST(RationalTest, ArithmeticIsExact) {
  // 5 * (5 - 1/5) = 24, with no rounding on the way.
  absl::StatusOr<Rational> fifth = Divide(R("1"), R("5"));
  ASSERT_TRUE(fifth.ok());
  EXPECT_EQ(*fifth, R("1/5"));
  absl::StatusOr<Rational> diff = Subtract(R("5"), *fifth);
  ASSERT_TRUE(diff.ok());
  EXPECT_EQ(*diff, R("24/5"));
  absl::StatusOr<Rational> product = Multiply(R("5"), *diff);
  ASSERT_TRUE(product.ok());
  EXPECT_EQ(*product, Rational(24));
  EXPECT_TRUE(product->is_integer());

  // 8 / (3 - 8/3) = 24.
  absl::StatusOr<Rational> eight_thirds = Divide(R("8"), R("3"));
  ASSERT_TRUE(eight_thirds.ok());
  absl::StatusOr<Rational> third = Subtract(R("3"), *eight_thirds);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, R("1/3"));
  absl::StatusOr<Rational> quotient = Divide(R("8"), *third);
  ASSERT_TRUE(quotient.ok());
  EXPECT_EQ(*quotient, Rational(24));

  absl::StatusOr<Rational> sum = Add(R("1/6"), R("1/3"));
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->ToString(), "1/2");
  absl::StatusOr<Rational> zero = Add(R("-3/4"), R("3/4"));
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->ToString(), "0");
  absl::StatusOr<Rational> neg = Divide(R("3"), R("-4"));
  ASSERT_TRUE(neg.ok());
  EXPECT_EQ(neg->ToString(), "-3/4");
}

TEST(RationalTest, OrderIsByValue) {
  EXPECT_LT(R("-3/4"), R("0"));
  EXPECT_LT(R("1/5"), R("1/4"));
  EXPECT_LT(R("4"), R("13/3"));
  EXPECT_FALSE(R("2") < R("2"));
  EXPECT_NE(R("1/2"), R("1/3"));
}

TEST(RationalTest, OverflowIsAnErrorNotWrapAround) {
  const Rational big = int64_t{1} << 40;
  absl::StatusOr<Rational> product = Multiply(big, big);
  ASSERT_FALSE(product.ok()) << "2^40 * 2^40 gave " << product->ToString();
  EXPECT_EQ(product.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(product.status().message(), HasSubstr("overflow"));

  EXPECT_FALSE(Add(Rational(INT64_MAX), Rational(1)).ok());
  EXPECT_FALSE(Subtract(Rational(-INT64_MAX), Rational(1)).ok());
  // Denominators overflow too: 1/2^40 * 1/2^40.
  absl::StatusOr<Rational> tiny = Rational::Make(1, int64_t{1} << 40);
  ASSERT_TRUE(tiny.ok());
  EXPECT_FALSE(Multiply(*tiny, *tiny).ok());
  EXPECT_FALSE(Divide(big, *tiny).ok());

  // Big values whose result fits are fine.
  absl::StatusOr<Rational> fits = Multiply(big, Rational(1 << 20));
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits->num(), int64_t{1} << 60);
}

TEST(RationalTest, DivisionByZeroIsAnError) {
  absl::StatusOr<Rational> q = Divide(R("7"), R("0"));
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(q.status().message(), HasSubstr("division by zero"));
  EXPECT_FALSE(ApplyOperator(R("1/5"), '/', R("0")).ok());
  EXPECT_FALSE(ApplyOperator(R("1"), '%', R("2")).ok());
}

// --- Problem ----------------------------------------------------------------

TEST(ProblemTest, ParseFormatRoundTrips) {
  for (const char* text : {"4 9 10 13 -> 24", "1 5 5 5 -> 24", "2 3 -> 6",
                           "1 2 3 4 5 6 -> 100", "1/2 -3/4 -> 0"}) {
    absl::StatusOr<Problem> p = ParseProblem(text);
    ASSERT_TRUE(p.ok()) << text << ": " << p.status();
    EXPECT_EQ(FormatProblem(*p), text);
  }
  Problem p = P("4 9 10 13 -> 24");
  EXPECT_THAT(p.numbers, ElementsAre(Rational(4), Rational(9), Rational(10),
                                     Rational(13)));
  EXPECT_EQ(p.target, Rational(24));
}

TEST(ProblemTest, ParseRejectsMalformed) {
  for (const char* text : {
           "4 9  10 13 -> 24",     // double space
           " 4 9 10 13 -> 24",     // leading space
           "4 9 10 13 -> 24 ",     // trailing space
           "4 9 10 13 24",         // missing ->
           "4 9 10 13 => 24",      // wrong arrow
           "4 9 10 13 ->24",       // arrow glued to the target
           "4 9 10 13 ->",         // no target
           "-> 24",                // no numbers
           "5 -> 5",               // too few numbers
           "1 2 3 4 5 6 7 -> 28",  // too many numbers
           "4 9 2/4 13 -> 24",     // unreduced number
           "4 9 x 13 -> 24",       // junk number
           "4 9 -> 10 -> 24",      // two arrows
           "",
       }) {
    absl::StatusOr<Problem> p = ParseProblem(text);
    EXPECT_FALSE(p.ok()) << "'" << text << "' parsed";
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
  // Too long, though every number is fine: six 18-digit numbers.
  const std::string n18 = "123456789012345678";
  const std::string five = n18 + " " + n18 + " " + n18 + " " + n18 + " " + n18;
  ASSERT_TRUE(ParseProblem(five + " -> 24").ok());
  const std::string six = five + " " + n18 + " -> " + n18;
  ASSERT_GT(six.size(), kMaxProblemChars);
  absl::StatusOr<Problem> too_long = ParseProblem(six);
  ASSERT_FALSE(too_long.ok());
  EXPECT_THAT(too_long.status().message(), HasSubstr("longer than"));
}

TEST(ProblemTest, SplitTokensNeedsSingleSpaces) {
  absl::StatusOr<std::vector<absl::string_view>> tokens = SplitTokens("a b c");
  ASSERT_TRUE(tokens.ok());
  EXPECT_THAT(*tokens, ElementsAre("a", "b", "c"));
  EXPECT_FALSE(SplitTokens("a  b").ok());
  EXPECT_FALSE(SplitTokens("").ok());
  EXPECT_FALSE(SplitTokens(" a").ok());
  EXPECT_FALSE(SplitTokens("a ").ok());
}

// --- Step -------------------------------------------------------------------

TEST(StepTest, ParseFormatRoundTripsIntegerStep) {
  const std::string text = "13 - 9 = 4 (left: 4 4 10)";
  absl::StatusOr<Step> step = ParseStep(text);
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_EQ(step->lhs, Rational(13));
  EXPECT_EQ(step->op, '-');
  EXPECT_EQ(step->rhs, Rational(9));
  EXPECT_EQ(step->result, Rational(4));
  EXPECT_THAT(step->left, ElementsAre(Rational(4), Rational(4), Rational(10)));
  EXPECT_EQ(FormatStep(*step), text);
}

TEST(StepTest, ParseFormatRoundTripsFractionStep) {
  const std::string text = "1 / 5 = 1/5 (left: 1/5 5 5)";
  absl::StatusOr<Step> step = ParseStep(text);
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_EQ(step->op, '/');
  EXPECT_EQ(step->result, R("1/5"));
  EXPECT_THAT(step->left, ElementsAre(R("1/5"), Rational(5), Rational(5)));
  EXPECT_EQ(FormatStep(*step), text);
}

TEST(StepTest, ParseRejectsMalformed) {
  for (const char* text : {
           "13 - 9 = 4",                   // no left list
           "13 - 9 = 4 (left: 4 4 10",     // unclosed
           "13 - 9 = 4(left: 4 4 10)",     // no space before (left:
           "13 - 9 = 4  (left: 4 4 10)",   // double space
           "13 - 9 = 4 (left:  4 4 10)",   // double space in list
           "13 - 9 = 4 (left: )",          // empty list
           "13 % 9 = 4 (left: 4 4 10)",    // bad operator
           "13 -- 9 = 4 (left: 4 4 10)",   // bad operator
           "13 - 9 4 (left: 4 4 10)",      // no =
           "13 - 9 = (left: 4 4 10)",      // no result
           "13 - 9 = 4/1 (left: 4 4 10)",  // non-canonical result
           "13 - 9 = 4 (left: 4 4 x)",     // junk in list
           "13 - 9 = 4 (right: 4 4 10)",   // wrong keyword
       }) {
    EXPECT_FALSE(ParseStep(text).ok()) << "'" << text << "' parsed";
  }
}

TEST(StepTest, StepHeadRoundTrips) {
  EXPECT_EQ(FormatStepHead(R("1/5"), '*', R("-3")), "1/5 * -3 =");
  absl::StatusOr<StepHead> head = ParseStepHead("13 - 9 =");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->lhs, Rational(13));
  EXPECT_EQ(head->op, '-');
  EXPECT_EQ(head->rhs, Rational(9));
  EXPECT_FALSE(ParseStepHead("13 - 9").ok());
  EXPECT_FALSE(ParseStepHead("13 - 9 = 4").ok());
  EXPECT_FALSE(ParseStepHead("13 ^ 9 =").ok());
}

// --- Checker ----------------------------------------------------------------

// Checks `steps` on `problem`: the trace must be invalid at step
// `invalid_step`, for a reason that mentions `reason`. Returns the verdict for
// the caller's own checks.
TraceVerdict ExpectInvalidAt(absl::string_view problem,
                             const std::vector<std::string>& steps,
                             int invalid_step, absl::string_view reason) {
  SCOPED_TRACE(absl::StrCat(problem, " | ", absl::StrJoin(steps, " | ")));
  TraceVerdict v = CheckTrace(P(problem), steps);
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.invalid_step, invalid_step);
  EXPECT_THAT(v.reason, HasSubstr(std::string(reason)));
  return v;
}

TEST(CheckerTest, CorrectTrace) {
  TraceVerdict v =
      CheckTrace(P("4 9 10 13 -> 24"),
                 {"13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 6 (left: 4 6)",
                  "4 * 6 = 24 (left: 24)"});
  EXPECT_TRUE(v.valid) << v.reason;
  EXPECT_TRUE(v.terminal);
  EXPECT_TRUE(v.correct);
  EXPECT_EQ(v.invalid_step, -1);
  EXPECT_EQ(v.reason, "");
  EXPECT_THAT(v.state.left, ElementsAre(Rational(24)));
  EXPECT_EQ(Reward(v), 1.0);
}

TEST(CheckerTest, CorrectTraceThroughFractions) {
  TraceVerdict v =
      CheckTrace(P("1 5 5 5 -> 24"),
                 {"1 / 5 = 1/5 (left: 1/5 5 5)",
                  "5 - 1/5 = 24/5 (left: 24/5 5)", "5 * 24/5 = 24 (left: 24)"});
  EXPECT_TRUE(v.valid) << v.reason;
  EXPECT_TRUE(v.correct);
}

TEST(CheckerTest, EmptyTraceIsValidButUnfinished) {
  TraceVerdict v = CheckTrace(P("4 9 10 13 -> 24"), {});
  EXPECT_TRUE(v.valid);
  EXPECT_FALSE(v.terminal);
  EXPECT_FALSE(v.correct);
  EXPECT_EQ(Reward(v), 0.0);
  EXPECT_THAT(v.state.left, ElementsAre(Rational(4), Rational(9), Rational(10),
                                        Rational(13)));
}

TEST(CheckerTest, PartialTraceIsValidButNotTerminal) {
  TraceVerdict v =
      CheckTrace(P("4 9 10 13 -> 24"), {"13 - 9 = 4 (left: 4 4 10)"});
  EXPECT_TRUE(v.valid);
  EXPECT_FALSE(v.terminal);
  EXPECT_FALSE(v.correct);
  EXPECT_THAT(v.state.left,
              ElementsAre(Rational(4), Rational(4), Rational(10)));
}

TEST(CheckerTest, WrongArithmetic) {
  TraceVerdict v = ExpectInvalidAt(
      "4 9 10 13 -> 24",
      {"13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 7 (left: 4 7)"}, 1, "arithmetic");
  EXPECT_FALSE(v.terminal);
  EXPECT_FALSE(v.correct);
  // The state is the one after the last valid step.
  EXPECT_THAT(v.state.left,
              ElementsAre(Rational(4), Rational(4), Rational(10)));
}

TEST(CheckerTest, WrongLeftList) {
  ExpectInvalidAt("4 9 10 13 -> 24", {"13 - 9 = 4 (left: 4 10)"}, 0,
                  "left list");

  TraceVerdict v =
      CheckTrace(P("4 9 10 13 -> 24"), {"13 - 9 = 4 (left: 4 9 10)"});
  EXPECT_FALSE(v.valid);
  EXPECT_THAT(v.reason, HasSubstr("left list"));

  v = CheckTrace(P("4 9 10 13 -> 24"), {"13 - 9 = 4 (left: 4 4 4 10)"});
  EXPECT_FALSE(v.valid);
  EXPECT_THAT(v.reason, HasSubstr("left list"));
}

TEST(CheckerTest, LeftListAcceptedInAnyOrder) {
  for (const char* first :
       {"13 - 9 = 4 (left: 4 4 10)", "13 - 9 = 4 (left: 10 4 4)",
        "13 - 9 = 4 (left: 4 10 4)"}) {
    TraceVerdict v =
        CheckTrace(P("4 9 10 13 -> 24"),
                   {first, "10 - 4 = 6 (left: 6 4)", "4 * 6 = 24 (left: 24)"});
    EXPECT_TRUE(v.correct) << first << ": " << v.reason;
  }
}

TEST(CheckerTest, OperandNotLeft) {
  ExpectInvalidAt("4 9 10 13 -> 24", {"12 + 12 = 24 (left: 4 9 10 24)"}, 0,
                  "not among the numbers left");

  // 9 was used up by the first step.
  ExpectInvalidAt("4 9 10 13 -> 24",
                  {"13 - 9 = 4 (left: 4 4 10)", "9 + 10 = 19 (left: 4 4 19)"},
                  1, "9 is not among the numbers left");
}

TEST(CheckerTest, NumberUsedTwiceWhenOnlyOncePresent) {
  ExpectInvalidAt("4 9 10 13 -> 24", {"4 + 4 = 8 (left: 8 9 10 13)"}, 0,
                  "twice");

  // With two copies present, using both is fine.
  TraceVerdict v =
      CheckTrace(P("4 9 10 13 -> 24"),
                 {"13 - 9 = 4 (left: 4 4 10)", "4 + 4 = 8 (left: 8 10)"});
  EXPECT_TRUE(v.valid) << v.reason;
}

TEST(CheckerTest, DivisionByZeroStepIsInvalid) {
  ExpectInvalidAt("3 3 8 -> 24",
                  {"3 - 3 = 0 (left: 0 8)", "8 / 0 = 0 (left: 0)"}, 1,
                  "division by zero");
}

TEST(CheckerTest, StepsAfterTerminal) {
  TraceVerdict v =
      CheckTrace(P("4 9 10 13 -> 24"),
                 {"13 - 9 = 4 (left: 4 4 10)", "10 - 4 = 6 (left: 4 6)",
                  "4 * 6 = 24 (left: 24)", "24 - 24 = 0 (left: 0)"});
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(v.invalid_step, 3);
  EXPECT_FALSE(v.correct);
  EXPECT_FALSE(v.reason.empty());
}

TEST(CheckerTest, UnparsableStep) {
  ExpectInvalidAt("4 9 10 13 -> 24", {"13 - 9 = 4 (left: 4 4 10)", "hello"}, 1,
                  "step must look like");
}

TEST(CheckerTest, TerminalButWrongTrace) {
  TraceVerdict v =
      CheckTrace(P("4 9 10 13 -> 24"),
                 {"13 + 9 = 22 (left: 4 10 22)", "22 + 10 = 32 (left: 4 32)",
                  "32 + 4 = 36 (left: 36)"});
  EXPECT_TRUE(v.valid) << v.reason;
  EXPECT_TRUE(v.terminal);
  EXPECT_FALSE(v.correct);
  EXPECT_EQ(v.invalid_step, -1);
  EXPECT_EQ(Reward(v), 0.0);
}

TEST(CheckerTest, CompleteStepSortsLeftList) {
  State state = InitialState(P("13 10 9 4 -> 24"));
  absl::StatusOr<Step> step = CompleteStep(state, R("13"), '-', R("9"));
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_EQ(step->result, Rational(4));
  EXPECT_THAT(step->left, ElementsAre(Rational(4), Rational(4), Rational(10)));
  EXPECT_EQ(FormatStep(*step), "13 - 9 = 4 (left: 4 4 10)");

  state = InitialState(P("5 1 5 5 -> 24"));
  step = CompleteStep(state, R("1"), '/', R("5"));
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_EQ(FormatStep(*step), "1 / 5 = 1/5 (left: 1/5 5 5)");

  state.left = {R("7"), R("-3/4"), R("1/2"), R("2")};
  step = CompleteStep(state, R("7"), '+', R("2"));
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_THAT(step->left, ElementsAre(R("-3/4"), R("1/2"), Rational(9)));
}

TEST(CheckerTest, CompleteStepErrors) {
  State state = InitialState(P("4 9 10 13 -> 24"));
  EXPECT_FALSE(CompleteStep(state, R("5"), '+', R("9")).ok());
  EXPECT_FALSE(CompleteStep(state, R("9"), '+', R("9")).ok());
  state.left = {R("0"), R("3")};
  EXPECT_FALSE(CompleteStep(state, R("3"), '/', R("0")).ok());
  EXPECT_TRUE(CompleteStep(state, R("0"), '/', R("3")).ok());
  state.left = {R("24")};
  absl::StatusOr<Step> done = CompleteStep(state, R("24"), '+', R("24"));
  EXPECT_EQ(done.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(CheckerTest, ApplyStepReturnsNextState) {
  State state = InitialState(P("4 9 10 13 -> 24"));
  absl::StatusOr<Step> step = ParseStep("13 - 9 = 4 (left: 10 4 4)");
  ASSERT_TRUE(step.ok());
  absl::StatusOr<State> next = ApplyStep(state, *step);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_THAT(next->left, ElementsAre(Rational(4), Rational(4), Rational(10)));
  EXPECT_EQ(next->problem, state.problem);
  EXPECT_FALSE(next->terminal());
}

}  // namespace
}  // namespace arts::countdown
