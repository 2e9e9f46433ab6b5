#include "cli/text_options.h"

#include <sstream>

namespace tml::cli {
namespace {

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(item);
  return out;
}

}  // namespace

void add_text_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options("Text mode")
    ("text", "The board prints lines of comma/TAB-separated numbers (Edge Impulse data-forwarder style)")
    ("timestamp-column", "Text mode: column (index or header name) holding a timestamp that gives the rate", cxxopts::value<std::string>())
    ("timestamp-unit", "Text mode: unit of the timestamp column: ms, s or us", cxxopts::value<std::string>()->default_value("ms"))
    ("axes", "Text mode: comma-separated axis names", cxxopts::value<std::string>())
    ("units", "Text mode: comma-separated units, one per axis", cxxopts::value<std::string>());
  // clang-format on
}

void text_options(const cxxopts::ParseResult& r, capture::CaptureJob& job) {
  job.text = r.count("text") > 0;
  if (r.count("timestamp-column")) job.text_options.timestamp_column = r["timestamp-column"].as<std::string>();
  job.timestamp_unit = r["timestamp-unit"].as<std::string>();
  if (r.count("axes")) job.text_options.axis_names = split_list(r["axes"].as<std::string>());
  if (r.count("units")) job.text_options.units = split_list(r["units"].as<std::string>());
}

}  // namespace tml::cli
