#include "cli/train_options.h"

namespace tml::cli {

void add_training_options(cxxopts::Options& options) {
  // clang-format off
  options.add_options()
    ("epochs", "Passes over the training windows", cxxopts::value<int>()->default_value("30"))
    ("batch", "Windows per optimizer step", cxxopts::value<int>()->default_value("32"))
    ("optimizer", "adam or sgd", cxxopts::value<std::string>()->default_value("adam"))
    ("lr", "Learning rate", cxxopts::value<float>()->default_value("0.001"))
    ("momentum", "SGD momentum", cxxopts::value<float>()->default_value("0.9"))
    ("seed", "Random seed: the same seed gives the same model", cxxopts::value<uint64_t>()->default_value("1"))
    ("validation", "Share of each label's training recordings held out for validation (0 to 0.9)", cxxopts::value<float>()->default_value("0"))
    ("patience", "Early stopping: stop after this many epochs without a better validation loss and keep the best weights (needs --validation)", cxxopts::value<int>()->default_value("0"))
    ("class-weights", "Loss weight per class: 'balanced' or one number per label, comma-separated", cxxopts::value<std::string>())
    ("threads", "Threads sharing each batch, or 'auto': the machine's cores when the batch is large enough to pay (results are identical run to run for a given count)", cxxopts::value<std::string>()->default_value("auto"));
  // clang-format on
}

void training_options(const cxxopts::ParseResult& r, pipeline::TrainJob& job) {
  trainer::TrainOptions& o = job.options;
  o.epochs = r["epochs"].as<int>();
  o.batch = r["batch"].as<int>();
  o.learning_rate = r["lr"].as<float>();
  o.momentum = r["momentum"].as<float>();
  o.seed = r["seed"].as<uint64_t>();
  o.validation = r["validation"].as<float>();
  o.patience = r["patience"].as<int>();
  job.optimizer = r["optimizer"].as<std::string>();
  job.threads = r["threads"].as<std::string>();
  if (r.count("class-weights")) job.class_weights = r["class-weights"].as<std::string>();
}

}  // namespace tml::cli
