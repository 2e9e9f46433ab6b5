// `tml dataset import --resample HZ`: an import's recordings at another sample rate, before they are
// written (the resampler is trainer/resample.h: windowed sinc with an anti-aliasing low-pass).
#pragma once

#include "formats/import_set.h"

namespace tml::dataset {

// Resamples every sample of `set` from set.meta.rate_hz to `rate_hz` and sets the rate. A recording of N
// rows becomes floor((N - 1) * rate_hz / old rate) + 1 rows. Data kept as 16-bit integers (i16: WAV audio)
// is rounded to the nearest integer and clipped to -32768..32767. Throws tml::Error for a rate that is not
// positive and finite (UsageError).
void resample_import(ImportSet& set, double rate_hz);

}  // namespace tml::dataset
