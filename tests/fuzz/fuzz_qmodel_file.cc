// Fuzz target: the quantized model file's reader (trainer::qmodel_from_json, behind load_qmodel() as
// model_from_json is behind load_model(): fuzz_model_file.cc). The input is a .q.model file's text without
// its checksum. A bad file may only be refused with a tml::Error that says something. For every file it
// accepts:
//   - the model validates (QModel::validate: its blob passes tml_model_init, labels, window and axes agree
//     with the blob, an embedded float model is valid and agrees);
//   - written again (qmodel_to_json) it reads back to a model that writes the very same text, with the
//     very same blob.
#include <cstring>
#include <string>

#include "fuzz_target.h"
#include "tml/trainer/error.h"
#include "tml/trainer/quantized_model.h"

int tml_fuzz_one_input(const uint8_t* data, size_t size) {
  if (size > (1u << 20)) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  tml::trainer::QModel m;
  try {
    m = tml::trainer::qmodel_from_json(text, "fuzz.q.model");
  } catch (const tml::Error& e) {
    TML_FUZZ_CHECK(std::strlen(e.what()) > 0);
    return 0;
  }
  try {
    m.validate();
  } catch (const tml::Error&) {
    TML_FUZZ_CHECK(!"an accepted quantized model validates");
  }
  try {
    const std::string again = tml::trainer::qmodel_to_json(m);
    const tml::trainer::QModel back = tml::trainer::qmodel_from_json(again, "again.q.model");
    TML_FUZZ_CHECK(back.blob == m.blob && back.labels == m.labels);
    TML_FUZZ_CHECK(tml::trainer::qmodel_to_json(back) == again);
  } catch (const tml::Error&) {
    TML_FUZZ_CHECK(!"an accepted quantized model is written and read back");
  }
  return 0;
}
