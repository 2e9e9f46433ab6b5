// The firmware's sensors by name (tml_sensor in tml/protocol/messages.h): the sensor a dataset or a model
// names, as a board counts it. `tml capture --sensor`, the emulated board's replay and the exported
// header all map names through here.
#pragma once

#include <string>

namespace tml::trainer {

// The tml_sensor number of a sensor name: the firmware's names ("accelerometer", "microphone", "light")
// and their short forms ("accel", "mic"); 0 (TML_SENSOR_NONE) for any other name.
int sensor_number(const std::string& name);

}  // namespace tml::trainer
