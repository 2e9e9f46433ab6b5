// WAV import and export (16-bit PCM mono only; see wav_codec.h).
//
// Import: each .wav file is one sample of one axis, "audio" in unit "PCM", sensor "microphone",
// sample format i16, at the rate of its header (all files must share it). A folder is imported file
// by file (label from the folder the file is in, as in the Speech Commands layout <word>/<clip>.wav,
// else the file name), or through its manifest.csv (file,label,split) if it has one.
//
// Export: training/ and testing/ with one <id>.wav per sample, and manifest.csv (file,label,split),
// for datasets of one axis, sample format i16 and an integer rate.
#pragma once

#include <filesystem>

#include "dataset/dataset.h"
#include "formats/input_files.h"

namespace tml::dataset {

ImportSet read_wav(const std::filesystem::path& input, const ImportOptions& options);
void export_wav(const Dataset& d, const std::filesystem::path& out);

}  // namespace tml::dataset
