#include "commands.h"

namespace tml::cli {

int cmd_ports(int argc, char** argv);
int cmd_capture(int argc, char** argv);
int cmd_dataset(int argc, char** argv);
int cmd_train(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_quantize(int argc, char** argv);
int cmd_export(int argc, char** argv);
int cmd_flash(int argc, char** argv);
int cmd_run(int argc, char** argv);
int cmd_report(int argc, char** argv);

namespace {
const Command kCommands[] = {
    {"ports", "List serial ports and recognise boards", cmd_ports},
    {"capture", "Record labelled samples from a board into a dataset", cmd_capture},
    {"dataset", "Inspect, import and export datasets", cmd_dataset},
    {"train", "Train a float model (dense or conv1d) on a dataset", cmd_train},
    {"quantize", "Quantize a float model to int8 and compare the two", cmd_quantize},
    {"export", "Write a quantized model as a C header for the board", cmd_export},
    {"eval", "Evaluate a float or int8 model on a dataset: accuracy, per-class report", cmd_eval},
    {"flash", "Put firmware and a model on a board (emulated or Wio Terminal)", cmd_flash},
    {"run", "Show a board's live predictions", cmd_run},
    {"report", "Write an HTML report of a dataset, a model and its board run", cmd_report},
};
}  // namespace

const Command* commands() { return kCommands; }
int command_count() { return static_cast<int>(sizeof(kCommands) / sizeof(kCommands[0])); }

}  // namespace tml::cli
