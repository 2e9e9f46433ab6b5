// Model files on disk: the float model (.model, from tml train), the quantized model (.q.model, from tml
// quantize; both docs/model_json.md) and the exported header (from tml export). Every reader names the
// path in its errors.
#pragma once

#include <filesystem>
#include <string>

#include "tml/trainer/float_model.h"
#include "tml/trainer/model_header.h"
#include "tml/trainer/quantized_model.h"

namespace tml::pipeline {

// Writes a model file atomically. Throws tml::Error naming the path.
void save_model(const trainer::Model& model, const std::filesystem::path& path);

// Reads and validates a model file. Throws tml::Error naming the path and what is wrong.
trainer::Model load_model(const std::filesystem::path& path);

// The same for quantized model files (.q.model).
void save_qmodel(const trainer::QModel& model, const std::filesystem::path& path);
trainer::QModel load_qmodel(const std::filesystem::path& path);

// Reads an exported header (trainer::parse_model_header) that a board can include: one with the default
// prefix, whose TML_MODEL_ names the firmware uses. Throws tml::Error naming the path otherwise.
trainer::ExportedHeader read_model_header(const std::filesystem::path& path);

// Which kind of model file `path` is: "tml-model" (float, from tml train) or "tml-quantized-model" (from
// tml quantize). Throws tml::Error if the file is missing or is neither.
std::string model_file_format(const std::filesystem::path& path);

}  // namespace tml::pipeline
