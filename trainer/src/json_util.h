// JSON helpers shared by the model files (private to the trainer): the human-friendly layout they are
// written in, and typed readers whose errors name the field.
#pragma once

#include <nlohmann/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace tml::trainer::detail {

// JSON laid out for people: objects one member per line, arrays of numbers or strings on as few lines of
// about 100 characters as they need. Appends to `out`.
void pretty(const nlohmann::ordered_json& j, int indent, std::string& out);

// Each throws Error("<where>: missing \"key\"" or "... must be ...").
const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& where);
std::string text(const nlohmann::json& j, const char* key, const std::string& where);
long long integer(const nlohmann::json& j, const char* key, const std::string& where);
double number(const nlohmann::json& j, const char* key, const std::string& where);
// An array of finite floats; `where` names it.
std::vector<float> float_array(const nlohmann::json& v, const std::string& where);

// Bytes as base64 (the canonical alphabet, '=' padding) and back; from_base64 is strict (padding only at
// the end, a length that is a multiple of 4) and returns false for anything else.
std::string base64(const std::vector<uint8_t>& bytes);
bool from_base64(const std::string& s, std::vector<uint8_t>& out);

}  // namespace tml::trainer::detail
