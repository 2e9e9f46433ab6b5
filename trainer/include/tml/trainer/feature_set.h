// Training on a front end's output (docs/features.md, docs/training.md): every raw window of a dataset
// turned into its features once, by the firmware's front end (FrontEnd::compute), and kept as a
// recording of its own -- [out_time][out_channels], one window per recording -- so the trainer, the
// calibration, the quantizer and the evaluations run on features exactly as they run on raw windows.
//
//   FrontEnd fe = FrontEnd::audio({});                        // MFCC [49][10] of one-second windows
//   RecordingSet feats = feature_set(fe, clips, 8000, {});     // one recording per window of clips
//
// Augmentation (seeded, training windows only, computed once like the rest): each training window gets
// `copies` more versions, each shifted in time by a random number of samples (zeros shifted in) and,
// with some probability, mixed with a random stretch of a noise recording (the training recordings of
// `noise_label`, e.g. Speech Commands' "_silence_") at a random signal-to-noise ratio.
#pragma once

#include <cstdint>
#include <string>

#include "tml/trainer/data.h"
#include "tml/trainer/front_end.h"

namespace tml::trainer {

struct AugmentOptions {
  int copies = 0;                        // augmented versions of each training window; 0: none
  double max_shift_s = 0.1;              // time shift, uniform in [-max, max] seconds
  double noise_probability = 0.8;        // share of the copies that get noise
  double snr_db_min = 0, snr_db_max = 20;  // signal-to-noise ratio of the mix, uniform in dB
  std::string noise_label = "_silence_";   // recordings of this label are the noise (none: no noise)
  uint64_t seed = 1;
};

// The features of every window (fe.raw_rows() rows every `stride`) of every recording of `raw`: labels,
// split and sensor kept, axes named by the front end (FrontEnd::channel_names), rate the frame rate
// (rate / frame_step; 1 / window for a spectral front end). A recording shorter than the window is
// padded: audio with silence (zeros), other data by repeating its last row. Recording ids are the raw
// ids ("yes.0001"), "@<start row>" for later windows of one recording and "~<copy>" for augmented
// ones. Throws Error if the data's axes or rate are not the front end's. Uses up to `threads` threads
// (0: the machine's cores); the result does not depend on it.
RecordingSet feature_set(const FrontEnd& fe, const RecordingSet& raw, int stride, const AugmentOptions& augment = {},
                         int threads = 0);

}  // namespace tml::trainer
