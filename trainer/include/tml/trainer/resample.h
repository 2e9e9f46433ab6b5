// Changing the sample rate of recordings: a band-limited (windowed-sinc) resampler with an anti-aliasing
// low-pass, for `tml dataset import --resample` and `tml train --resample` (e.g. the 104 Hz example
// gestures for the Wio Terminal's 100 Hz accelerometer).
//
// Output row n is the input signal at time n / to_hz (row 0 at the first input row's time), interpolated
// with a Kaiser-windowed sinc (beta 7.86, 80 dB stopband). The low-pass keeps every frequency below
// 0.85 x the lower of the two Nyquist frequencies (amplitude within 0.1 %, no phase shift: the filter is
// symmetric) and removes everything above the lower Nyquist frequency (at least 80 dB down), so nothing
// aliases when the rate goes down and no images appear when it goes up. Each set of filter weights sums
// to 1, so a constant (an accelerometer's gravity) stays exactly constant.
//
// A recording of N rows becomes floor((N - 1) * to_hz / from_hz) + 1 rows: every output time that lies
// within the recording, from its first row to its last (1040 rows at 104 Hz -> 1000 rows at 100 Hz;
// 208 -> 200). Before the first and after the last row the signal is taken to hold its edge value.
//
// The ratio to_hz / from_hz is used as an exact fraction L / M when one with L, M <= 1,000,000 exists
// within 1e-12 (every pair of rates given in whole or thousandths of Hz); the filter is then a table of L
// phases when L <= 4096 (104 -> 100 Hz: 25 phases), else computed for each output row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tml/trainer/data.h"

namespace tml::trainer {

// Rows of a recording of `rows` rows resampled from `from_hz` to `to_hz` (see above); 0 for 0 rows.
// Throws Error unless both rates are finite and positive.
size_t resampled_rows(size_t rows, double from_hz, double to_hz);

// `values`: rows x axes, row-major. Returns resampled_rows(rows) x axes values, row-major. Throws Error for
// bad rates, axes < 1 or a size that is not a multiple of axes.
std::vector<float> resample(const std::vector<float>& values, int axes, double from_hz, double to_hz);

// Every recording of `set`, and its rate, at `to_hz`. Nothing changes when the rate already is to_hz.
void resample_recordings(RecordingSet& set, double to_hz);

}  // namespace tml::trainer
