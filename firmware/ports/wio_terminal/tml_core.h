// The tml firmware core as one Arduino library header (tml flash stages it as the library's src/tml_core.h).
#ifndef TML_CORE_H
#define TML_CORE_H

#include "tml/device.h"
#include "tml/protocol/frame.h"
#include "tml/protocol/messages.h"
#include "tml/status.h"

#endif  // TML_CORE_H
