#include "tml/trainer/sensor.h"

#include "tml/protocol/messages.h"

namespace tml::trainer {

int sensor_number(const std::string& name) {
  if (name == "accel") return TML_SENSOR_ACCEL;
  if (name == "mic") return TML_SENSOR_MIC;
  for (int s = 1; s < TML_SENSOR_COUNT; ++s)
    if (name == tml_sensor_name(static_cast<uint8_t>(s))) return s;
  return TML_SENSOR_NONE;
}

}  // namespace tml::trainer
