#include "flash/flash.h"

#include "tml/trainer/error.h"
#include "tml/trainer/format.h"

namespace tml::flash {

link::Session verify_model(link::BoardLink& board, uint32_t expected_hash, const std::string& where) {
  const link::Session s = board.hello();
  const std::string want = hex32(expected_hash), got = hex32(s.model_hash);
  if (s.model_hash != expected_hash) {
    if (expected_hash == 0) throw Error(where + " still runs model " + got + " after flashing firmware without a model");
    if (s.model_hash == 0)
      throw Error(where + " runs firmware without a model, not model " + want + " (" + s.device() + ")");
    throw Error(where + " runs model " + got + ", not " + want + " (" + s.device() +
                "); the upload did not take, or another model is on the board");
  }
  if (expected_hash != 0 && !(s.flags & TML_SESSION_FLAG_INFERENCE))
    throw Error(where + " reports model " + std::string(got) + " but cannot run it (the firmware rejected the blob)");
  return s;
}

}  // namespace tml::flash
