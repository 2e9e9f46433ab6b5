#include "tml/status.h"

namespace tml {

extern "C" const char* tml_status_str(int status) {
  switch (status) {
    case TML_OK: return "ok";
    case TML_ERR_ARG: return "invalid argument";
    case TML_ERR_BUFFER: return "buffer too small";
    case TML_ERR_CRC: return "crc mismatch";
    case TML_ERR_VERSION: return "unsupported version";
    case TML_ERR_UNSUPPORTED: return "unsupported";
    case TML_ERR_FORMAT: return "malformed data";
    case TML_ERR_STATE: return "invalid state";
    case TML_ERR_IO: return "i/o error";
    case TML_ERR_AGAIN: return "incomplete, try again";
    case TML_ERR_SHAPE: return "sample or axis count does not match the model";
    default: return "unknown status";
  }
}

}  // namespace tml
