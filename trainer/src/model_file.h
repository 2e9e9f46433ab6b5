// What the two model files share (private to the trainer; docs/model_json.md): the checks that open one
// (JSON, its "format", its version) and close it (a malformed field names the file, then the model
// validates), the labels and the "input" block, and the informational fields read when present.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tml/trainer/error.h"
#include "tml/trainer/float_model.h"

namespace tml::trainer::detail {

// One kind of model file: its "format", the version this tml reads, and its name in messages.
struct ModelFileKind {
  const char* format;  // "tml-model"
  int version;
  const char* name;    // "model", "quantized model"
};

// Parses `text` and checks that it is a file of `kind` in the version this tml reads.
nlohmann::json open_model_file(const std::string& text, const std::string& origin, const ModelFileKind& kind);

// Reads a model with `read(json, model)`: a JSON type error becomes "<origin>: malformed <name> file: ...",
// and the model must validate() ("<origin>: <what is wrong>").
template <typename M, typename Read>
M read_model_file(const std::string& text, const std::string& origin, const ModelFileKind& kind, Read read) {
  const nlohmann::json j = open_model_file(text, origin, kind);
  M m;
  try {
    read(j, m);
  } catch (const nlohmann::json::exception& e) {
    throw Error(origin + ": malformed " + kind.name + " file: " + e.what());
  }
  try {
    m.validate();
  } catch (const Error& e) {
    throw Error(origin + ": " + e.what());
  }
  return m;
}

// "labels": an array of strings.
std::vector<std::string> read_labels(const nlohmann::json& j, const std::string& origin);

// "values": the value heads, [{"name", "unit", "mean", "std"}]; absent (empty) for a classifier.
nlohmann::ordered_json values_json(const std::vector<ValueHead>& values);
std::vector<ValueHead> read_values(const nlohmann::json& j, const std::string& origin);

// The value heads themselves, in range: 1 to 8, names 1 to 31 bytes (the blob's head table), unique and
// not a label's, mean finite, std positive and finite. Throws Error naming the head.
void check_values(const std::vector<ValueHead>& values, const std::vector<std::string>& labels);

// "input": window and stride (1 to max_rows), rate_hz, axes (1 to max_axes, each with name and unit).
struct InputBlock {
  int window = 0, stride = 0;
  double rate_hz = 0;
  std::vector<Axis> axes;
};
InputBlock read_input(const nlohmann::json& input, const std::string& where, long long max_rows, size_t max_axes,
                      const char* rows_rule);

// The "input" block as written: window, stride, rate_hz, axes, then `extra` members, then the layout.
nlohmann::ordered_json input_json(int window, int stride, double rate_hz, const std::vector<Axis>& axes,
                                  const nlohmann::ordered_json& extra = nlohmann::ordered_json::object());

// "front_end": the section as base64 (when `with_section`) and, for people, its parameters; read back
// with its section from the file or, for a quantized model, from the blob (`blob_section`).
nlohmann::ordered_json front_end_json(const FrontEndInput& fe, bool with_section);
FrontEndInput read_front_end(const nlohmann::json& j, const std::string& where,
                             const std::vector<uint8_t>* blob_section);

// Informational fields: the value when `o` is an object holding `key` of the right type, else the fallback.
// optional_number also gives the fallback for a number of magnitude 2^31 or more, which would not fit the
// int, int64_t or float its callers convert it to (no count or ratio of a model file comes near it).
std::string optional_text(const nlohmann::json& o, const char* key);
double optional_number(const nlohmann::json& o, const char* key, double fallback);

}  // namespace tml::trainer::detail
