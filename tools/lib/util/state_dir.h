// Where tml keeps state between commands: the firmware "flashed" into the emulated board and the build
// folders of board images. $TML_STATE_DIR, else $XDG_STATE_HOME/tml, else ~/.local/state/tml.
#pragma once

#include <filesystem>

namespace tml {

std::filesystem::path state_dir();

}  // namespace tml
