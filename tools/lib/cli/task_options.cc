#include "cli/task_options.h"

#include "tml/trainer/error.h"

namespace tml::cli {

void add_task_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
    ("task", "What the model predicts: classify (the labels), regression (numeric targets of the dataset), multi (both: a class head and value heads) or anomaly (a detector trained on normal windows only: --features spectral, --anomaly kmeans|autoencoder)", cxxopts::value<std::string>()->default_value("classify"))
    ("heads", "The outputs, comma-separated: 'class' for the class head and target names for value heads, in output order (default: the task's: class, every target, or both)", cxxopts::value<std::string>())
    ("loss", "Value heads: mse or huber, on the standardised target", cxxopts::value<std::string>()->default_value("mse"))
    ("huber-delta", "--loss huber: quadratic below this many standard deviations of the target", cxxopts::value<float>()->default_value("1"))
    ("value-weight", "--task multi: total loss = cross-entropy + this weight x value loss", cxxopts::value<float>()->default_value("1"));
  // clang-format on
}

void task_options(const cxxopts::ParseResult& r, pipeline::TrainJob& job) {
  job.task = r["task"].as<std::string>();
  if (r.count("heads")) job.heads = r["heads"].as<std::string>();
  const std::string loss = r["loss"].as<std::string>();
  if (loss != "mse" && loss != "huber") throw UsageError("--loss must be mse or huber, got '" + loss + "'");
  job.options.value_loss = loss == "huber" ? trainer::ValueLoss::Huber : trainer::ValueLoss::Mse;
  job.options.huber_delta = r["huber-delta"].as<float>();
  job.options.value_weight = r["value-weight"].as<float>();
}

}  // namespace tml::cli
