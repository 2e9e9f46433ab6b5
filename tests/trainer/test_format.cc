// The host's text helpers (tml/trainer/format.h) by their documented examples.
#include <catch2/catch.hpp>

#include "tml/trainer/format.h"

TEST_CASE("format: numbers and lists as text", "[format]") {
  CHECK(tml::fixed(2.0 / 3, 2) == "0.67");
  CHECK(tml::thousands(363024) == "363,024");
  CHECK(tml::thousands(-1200) == "-1,200");
  CHECK(tml::hex32(0x1a2b3c) == "001a2b3c");
  CHECK(tml::join({"idle", "wave"}) == "idle, wave");
  CHECK(tml::join({"idle"}) == "idle");
  CHECK(tml::join({}).empty());
  CHECK(tml::join({"a", "b", "c"}, "+") == "a+b+c");
}
