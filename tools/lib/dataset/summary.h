// What `tml dataset info` shows of a dataset: its configuration, samples and duration per label and split,
// the devices and sources the samples came from, and the files an interrupted write left behind.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "dataset/dataset.h"

namespace tml::dataset {

struct LabelCounts {
  size_t train = 0, test = 0, rows = 0;
};

struct Summary {
  std::string name;  // the dataset as the user named it
  Meta meta;
  size_t samples = 0, train = 0, test = 0, rows = 0, min_rows = 0, max_rows = 0;
  std::map<std::string, LabelCounts> labels;
  std::map<std::string, size_t> devices, sources;  // samples per device ("(not recorded)") and per source
  std::vector<std::string> orphans;                // Dataset::orphans()
  std::vector<std::string> missing;                // the files of Dataset::missing()
};

Summary summarize(const Dataset& d, const std::string& name);

// The summary as text, a line per fact and a table of the labels.
std::string format_summary(const Summary& s);

// The summary as `tml dataset info --json` prints it.
nlohmann::ordered_json summary_json(const Summary& s);

// `tml dataset info --check`: every sample file read as the trainer reads it (`Dataset::load`: the file
// exists, parses, holds finite numbers only, has the manifest's row count and the dataset's columns); a sample
// file that is a symbolic link is reported too (a dataset holds its files). One line per problem, naming
// the sample and its file; none when the dataset is sound.
struct CheckResult {
  size_t samples = 0;
  std::vector<std::string> problems;
};
CheckResult check_samples(const Dataset& d);
std::string format_check(const CheckResult& c);

}  // namespace tml::dataset
