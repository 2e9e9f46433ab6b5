// tml firmware for the Seeed Wio Terminal: streams the accelerometer, microphone or light sensor to
// `tml capture` over USB serial. Build and upload with `tml flash --board wio-terminal --port PORT`.
#include <tml_core.h>

#include "wio_port.h"

void setup() { wio_port_setup(); }

void loop() { wio_port_loop(); }
