// Layers to and from the JSON objects of architecture and model files (private to the trainer).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tml/trainer/layer.h"

namespace tml::trainer::detail {

// {"type": "conv1d", "filters": 8, ...}: the settings, no parameters.
nlohmann::json layer_settings(const Layer& layer);

// The layers one JSON object describes: the layer itself and, if it has an "activation" setting, the
// activation layer after it. `classes` replaces "units": "classes". `allowed_extra` lists keys that are
// accepted and ignored (the model file's "params" and "output"). Throws Error("<type>: ...").
std::vector<std::unique_ptr<Layer>> layers_from_json(const nlohmann::json& j, int classes,
                                                     const std::vector<std::string>& allowed_extra);


}  // namespace tml::trainer::detail
