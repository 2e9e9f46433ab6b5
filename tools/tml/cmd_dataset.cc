// tml dataset: inspect a dataset, import recordings into it, export it to other formats (one file per
// subcommand: cmd_dataset_info.cc, cmd_dataset_import.cc, cmd_dataset_export.cc).
#include "cli/command.h"

namespace tml::cli {

int cmd_dataset_info(int argc, char** argv);
int cmd_dataset_import(int argc, char** argv);
int cmd_dataset_export(int argc, char** argv);

int cmd_dataset(int argc, char** argv) {
  return run_subcommands(
      "dataset", "Inspect, import and export labelled recordings (datasets/README.md documents the format).",
      "tml dataset info gestures/\n"
      "tml dataset import datasets/gestures-ei --dataset gestures/\n"
      "tml dataset export gestures/ --format ei --out gestures-ei/",
      {{"info", "Labels, counts per split, durations, rate, axes, devices and orphan files", cmd_dataset_info},
       {"import", "Add Edge Impulse JSON, CSV or WAV recordings to a dataset", cmd_dataset_import},
       {"export", "Write a dataset as Edge Impulse JSON, CSV or WAV", cmd_dataset_export}},
      argc, argv);
}

}  // namespace tml::cli
