// What the emulated board's sensors replay when `tml` starts it (`--port sim`): recordings from a dataset
// (optionally one label and/or split), written as replay files into a private temporary folder that lives
// as long as this object.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "emulator/emulator.h"

namespace tml::emulator {

struct SimData {
  // Recordings to replay: tml dataset folders or anything `tml dataset import` reads. Each feeds the
  // sensor its dataset describes (microphone, light, else accelerometer); one source per sensor. A
  // source with no recording left after the label/split filters is skipped; none left at all is an error.
  std::vector<std::filesystem::path> sources;
  std::string label;            // only recordings with this label ("" = all)
  std::string split;            // only this split ("train", "test", "" = all)
  bool unpaced = false;         // as fast as the link allows instead of real time
};

// The example recordings shipped in datasets/: gestures for the accelerometer, spoken words for the mic.
SimData default_sim_data();

class SimSetup {
 public:
  explicit SimSetup(const SimData& data);  // writes the replay files; throws tml::Error on bad data
  ~SimSetup();
  SimSetup(const SimSetup&) = delete;
  SimSetup& operator=(const SimSetup&) = delete;

  // Emulator options that make the firmware replay these files.
  Options options() const { return options_; }

  // What a sensor replays, in order: the label and row count of each recording (its stream repeats this
  // sequence from row 0, the first row streamed after boot). Empty for a sensor with nothing to replay.
  struct Segment {
    std::string label;
    size_t rows = 0;
  };
  const std::vector<Segment>& timeline(int sensor) const;

 private:
  std::filesystem::path dir_;
  Options options_;
  std::vector<Segment> timelines_[4];
};

}  // namespace tml::emulator
