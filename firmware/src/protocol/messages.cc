#include "tml/protocol/messages.h"

namespace tml {

extern "C" size_t tml_sample_format_size(uint8_t format) {
  switch (format) {
    case TML_FORMAT_I16: return 2;
    case TML_FORMAT_F32: return 4;
    default: return 0;
  }
}

extern "C" const char* tml_sensor_name(uint8_t sensor) {
  switch (sensor) {
    case TML_SENSOR_ACCEL: return "accelerometer";
    case TML_SENSOR_MIC: return "microphone";
    case TML_SENSOR_LIGHT: return "light";
    default: return "unknown";
  }
}

}  // namespace tml
