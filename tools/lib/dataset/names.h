// What a dataset accepts as a name: labels and sample ids (which name folders and files), axis names and
// units (which head CSV columns), and the two split words, with the hash rule that puts a sample in one.
#pragma once

#include <string>

namespace tml::dataset {

// Throws tml::Error explaining what is wrong with a label: empty, longer than 64 bytes, a path separator,
// "." or "..", a control character, a leading dash/dot, or not UTF-8.
void validate_label(const std::string& label);

// The same rules for a sample id (it names the sample's file), up to 128 bytes.
void validate_sample_id(const std::string& id);

// Throws tml::Error unless `text` can name an axis or its unit (`what`: "axis name", "unit"): at most 64
// bytes of UTF-8 without commas, double quotes, control characters or surrounding spaces; only a unit
// may be empty.
void validate_axis_text(const char* what, const std::string& text, bool may_be_empty);

// "train" or "test": the split words.
bool is_split(const std::string& split);

// Throws tml::Error("<where>: split \"<split>\" must be \"train\" or \"test\"") unless is_split(split).
void check_split(const std::string& split, const std::string& where);

// The split a sample id falls into for a given test share: "test" if fnv1a32(id) % 100 < test_percent.
std::string hash_split(const std::string& id, int test_percent);

// The text of a name for an error message, with control characters shown as \xNN.
std::string shown(const std::string& name);

}  // namespace tml::dataset
