// Fuzz target: the float model file's reader (trainer::model_from_json; load_model() reads a file's
// text, checks its crc32 member and hands the rest to it). The input is a model file's text (without the
// checksum, as the reader gets it). A bad file may only be refused with a tml::Error that says something;
// any other exception, a crash or a sanitizer report is a finding. For every file it accepts:
//   - the model validates (Model::validate) and its network runs one window of zeros, giving
//     [labels + values] outputs;
//   - written again (model_to_json) it reads back to a model that writes the very same text.
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_target.h"
#include "tml/trainer/error.h"
#include "tml/trainer/float_model.h"

namespace {

constexpr int64_t kMaxWork = 4000000;  // multiply-accumulates of one window; larger models are not run

}  // namespace

int tml_fuzz_one_input(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  tml::trainer::Model m;
  try {
    m = tml::trainer::model_from_json(text, "fuzz.model");
  } catch (const tml::Error& e) {
    TML_FUZZ_CHECK(std::strlen(e.what()) > 0);
    return 0;
  }
  try {
    m.validate();
  } catch (const tml::Error&) {
    TML_FUZZ_CHECK(!"an accepted model validates");
  }
  const tml::trainer::Shape in = m.net.input_shape();
  TML_FUZZ_CHECK(in.time == m.window && in.channels == static_cast<int>(m.axes.size()));
  TML_FUZZ_CHECK(m.net.output_shape().size() == m.outputs());
  if (m.net.macs() <= kMaxWork && in.size() <= (1 << 20)) {
    const std::vector<float> zeros(static_cast<size_t>(in.size()), 0.0f);
    TML_FUZZ_CHECK(m.net.forward(zeros.data(), 1, tml::trainer::Mode::Infer) != nullptr);
  }
  std::string again;
  try {
    again = tml::trainer::model_to_json(m);
    TML_FUZZ_CHECK(tml::trainer::model_to_json(tml::trainer::model_from_json(again, "again.model")) == again);
  } catch (const tml::Error&) {
    TML_FUZZ_CHECK(!"an accepted model is written and read back");
  }
  return 0;
}
