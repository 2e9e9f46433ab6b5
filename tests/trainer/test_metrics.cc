// Accuracy, per-class precision/recall/F1 and the confusion matrix.
#include <catch2/catch.hpp>

#include "tml/trainer/error.h"
#include "tml/trainer/metrics.h"

using namespace tml::trainer;

TEST_CASE("metrics from a known confusion", "[metrics]") {
  // truth a a a b b c; predicted a a b b c c
  const Metrics m = compute_metrics({0, 0, 0, 1, 1, 2}, {0, 0, 1, 1, 2, 2}, {"a", "b", "c"});
  CHECK(m.count == 6);
  CHECK(m.accuracy == Approx(4.0 / 6));
  CHECK(m.confusion == std::vector<std::vector<int64_t>>{{2, 1, 0}, {0, 1, 1}, {0, 0, 1}});
  CHECK(m.per_class[0].precision == Approx(1.0));
  CHECK(m.per_class[0].recall == Approx(2.0 / 3));
  CHECK(m.per_class[0].f1 == Approx(0.8));
  CHECK(m.per_class[1].precision == Approx(0.5));
  CHECK(m.per_class[1].recall == Approx(0.5));
  CHECK(m.per_class[2].precision == Approx(0.5));
  CHECK(m.per_class[2].recall == Approx(1.0));
  CHECK(m.per_class[2].support == 1);
  CHECK(m.macro_f1 == Approx((0.8 + 0.5 + 2.0 / 3) / 3));
  const std::string report = format_report(m);
  CHECK(report.find("accuracy 0.6667 (6 windows)") != std::string::npos);
  CHECK(report.find("confusion matrix") != std::string::npos);
}

TEST_CASE("a class never predicted has precision 0 and no support means no recall", "[metrics]") {
  const Metrics m = compute_metrics({0, 0}, {0, 0}, {"a", "b"});
  CHECK(m.accuracy == 1.0);
  CHECK(m.per_class[1].precision == 0.0);
  CHECK(m.per_class[1].support == 0);
  CHECK(m.macro_f1 == 1.0);  // only classes with support count
  CHECK_THROWS_AS(compute_metrics({0}, {2}, {"a", "b"}), Error);
  CHECK_THROWS_AS(compute_metrics({0}, {}, {"a", "b"}), Error);
}
