// Status codes shared by every firmware function: 0 is success, negative values are errors.
// The host maps them to messages with tml_status_str(); on the board they travel in ACK messages.
#ifndef TML_STATUS_H
#define TML_STATUS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tml_status {
  TML_OK = 0,
  TML_ERR_ARG = -1,          // an argument is out of range or a pointer is null
  TML_ERR_BUFFER = -2,       // a caller-owned buffer is too small
  TML_ERR_CRC = -3,          // a frame's checksum does not match its contents
  TML_ERR_VERSION = -4,      // a protocol or model-format version this code does not speak
  TML_ERR_UNSUPPORTED = -5,  // a valid request this build or board cannot honour
  TML_ERR_FORMAT = -6,       // malformed bytes: bad magic, bad length, bad offsets, bad framing
  TML_ERR_STATE = -7,        // the request is not valid in the current state
  TML_ERR_IO = -8,           // a device or transport failed
  TML_ERR_AGAIN = -9,        // nothing yet; call again (e.g. a frame is still incomplete)
  TML_ERR_SHAPE = -10,       // data of another shape than the model's (sample or axis count)
} tml_status;

// A short, static, human-readable name for a status ("crc mismatch"); never null.
const char* tml_status_str(int status);

#ifdef __cplusplus
}
#endif

#endif  // TML_STATUS_H
