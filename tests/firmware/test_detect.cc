// The detector (tml/detect.h): averages over the last N windows, threshold, suppression, background
// classes, and its parameters checked.
#include <catch2/catch.hpp>

#include "tml/detect.h"
#include "tml/status.h"

namespace {

// Scores of three classes with probability p (0..255 scale) on `hot` and the rest spread evenly.
std::vector<int8_t> scores(int hot, int p) {
  std::vector<int8_t> s(3, static_cast<int8_t>((255 - p) / 2 - 128));
  s[static_cast<size_t>(hot)] = static_cast<int8_t>(p - 128);
  return s;
}

}  // namespace

TEST_CASE("a class is reported when its average over the last windows reaches the threshold", "[detect]") {
  const tml_detect_params p{TML_DETECT_VERSION, 3, 150, 0, 16000, 1u << 0};  // class 0 is a background
  tml_detector d;
  REQUIRE(tml_detector_init(&d, &p, 3) == TML_OK);
  tml_detection out{};
  CHECK(tml_detector_push(&d, 16000, scores(1, 255).data(), &out) == 0);  // fewer than 3 windows yet
  CHECK(tml_detector_push(&d, 24000, scores(1, 255).data(), &out) == 0);
  CHECK(tml_detector_push(&d, 32000, scores(1, 30).data(), &out) == 1);  // (255 + 255 + 30) / 3 = 180
  CHECK(out.index == 32000);
  CHECK(out.label == 1);
  CHECK(out.score == 180);
  CHECK(out.windows == 3);
  CHECK(tml_detector_push(&d, 40000, scores(1, 255).data(), &out) == 0);  // suppressed until 48000
  CHECK(tml_detector_push(&d, 48000, scores(2, 255).data(), &out) == 0);  // class 2: (0 + 255 + 112) / 3
  CHECK(tml_detector_push(&d, 56000, scores(2, 255).data(), &out) == 1);  // class 2: (0 + 255 + 255) / 3
  CHECK(out.label == 2);
  CHECK(out.score == 170);
}

TEST_CASE("background classes are never reported and the history restarts on reset", "[detect]") {
  const tml_detect_params p{TML_DETECT_VERSION, 2, 200, 0, 0, 1u << 0};
  tml_detector d;
  REQUIRE(tml_detector_init(&d, &p, 3) == TML_OK);
  tml_detection out{};
  CHECK(tml_detector_push(&d, 1, scores(0, 255).data(), &out) == 0);
  CHECK(tml_detector_push(&d, 2, scores(0, 255).data(), &out) == 0);  // class 0 ignored
  CHECK(tml_detector_push(&d, 3, scores(2, 255).data(), &out) == 0);  // class 2: (0 + 255) / 2 < 200
  CHECK(tml_detector_push(&d, 4, scores(2, 255).data(), &out) == 1);
  CHECK(out.label == 2);
  tml_detector_reset(&d);
  CHECK(tml_detector_push(&d, 5, scores(2, 255).data(), &out) == 0);  // one window since the reset
  CHECK(tml_detector_push(&d, 6, scores(2, 255).data(), &out) == 1);
}

TEST_CASE("detector parameters out of range are refused", "[detect]") {
  tml_detector d;
  const tml_detect_params ok{TML_DETECT_VERSION, 3, 153, 0, 16000, 0};
  CHECK(tml_detector_init(&d, &ok, 12) == TML_OK);
  CHECK(tml_detector_init(&d, &ok, 0) == TML_ERR_ARG);
  CHECK(tml_detector_init(&d, &ok, TML_DETECT_MAX_CLASSES + 1) == TML_ERR_ARG);
  tml_detect_params bad = ok;
  bad.version = 2;
  CHECK(tml_detect_params_check(&bad) == TML_ERR_ARG);
  bad = ok;
  bad.average = 0;
  CHECK(tml_detect_params_check(&bad) == TML_ERR_ARG);
  bad.average = TML_DETECT_MAX_AVERAGE + 1;
  CHECK(tml_detect_params_check(&bad) == TML_ERR_ARG);
  bad = ok;
  bad.threshold = 0;
  CHECK(tml_detect_params_check(&bad) == TML_ERR_ARG);
  bad = ok;
  bad.reserved = 1;
  CHECK(tml_detect_params_check(&bad) == TML_ERR_ARG);
}
