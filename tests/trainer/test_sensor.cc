// Sensor names and the firmware's sensor numbers.
#include <catch2/catch.hpp>

#include "tml/protocol/messages.h"
#include "tml/trainer/sensor.h"

using namespace tml::trainer;

TEST_CASE("sensor names map to the firmware's sensor numbers", "[sensor]") {
  CHECK(sensor_number("accelerometer") == 1);
  CHECK(sensor_number("microphone") == 2);
  CHECK(sensor_number("light") == 3);
  CHECK(sensor_number("gyroscope") == 0);
  CHECK(sensor_number("") == 0);
}

TEST_CASE("the short sensor names of tml capture --sensor name the same sensors", "[sensor]") {
  CHECK(sensor_number("accel") == TML_SENSOR_ACCEL);
  CHECK(sensor_number("mic") == TML_SENSOR_MIC);
  CHECK(sensor_number("sonar") == TML_SENSOR_NONE);
}
