// Replay files for the emulated board's sensors (layout: firmware/include/tml/replay_format.h). The
// recordings are concatenated in order; the board plays them at their rate and wraps around at the end.
#pragma once

#include <filesystem>
#include <vector>

#include "dataset/dataset.h"

namespace tml::emulator {

// The sensor a dataset's recordings feed: the one its sensor names (trainer::sensor_number), else
// TML_SENSOR_ACCEL. Throws tml::Error if the shape cannot be replayed.
int replay_sensor_for(const dataset::Meta& meta);

// Writes the recordings (each rows x axes values, row-major) as one replay file. Microphone data is
// written as int16 (values must be whole numbers in range), everything else as float32, so a capture of
// the replay gives back exactly these values. Returns the total number of rows.
size_t write_replay(const std::filesystem::path& path, const dataset::Meta& meta,
                    const std::vector<std::vector<float>>& recordings);

}  // namespace tml::emulator
