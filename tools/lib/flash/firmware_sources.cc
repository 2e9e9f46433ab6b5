#include "flash/firmware_sources.h"

#include <algorithm>
#include <cstdlib>

#include "tml/trainer/error.h"
#include "util/atomic_file.h"

namespace tml::flash {

std::filesystem::path source_dir() {
  if (const char* env = std::getenv("TML_SOURCE_DIR"); env && *env) return env;
  return TML_SOURCE_DIR;
}

std::vector<FirmwareFile> firmware_core_files(const std::filesystem::path& source) {
  namespace fs = std::filesystem;
  const fs::path firmware = source / "firmware";
  if (!fs::is_directory(firmware / "include") || !fs::is_directory(firmware / "src"))
    throw Error("the firmware sources are not at " + firmware.string() + " (set TML_SOURCE_DIR)");
  std::vector<FirmwareFile> files;
  auto add_tree = [&](const fs::path& root, const fs::path& prefix, bool rename_cc) {
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {  // editor and VCS leftovers
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file()) continue;
      fs::path to = prefix / fs::relative(it->path(), root);
      if (rename_cc && to.extension() == ".cc") to.replace_extension(".cpp");
      files.push_back({it->path(), to});
    }
  };
  add_tree(firmware / "include", "", false);
  add_tree(firmware / "src", "core", true);
  std::sort(files.begin(), files.end(), [](const FirmwareFile& a, const FirmwareFile& b) { return a.to < b.to; });
  return files;
}

void check_kernels(const std::string& kernels) {
  if (kernels != "reference" && kernels != "optimized")
    throw UsageError("--kernels must be reference or optimized, got '" + kernels + "'");
}

std::string build_config_header(const std::string& kernels) {
  if (kernels != "auto") check_kernels(kernels);
  const std::string define = kernels == "optimized"   ? "TML_KERNELS_OPTIMIZED"
                             : kernels == "reference" ? "TML_KERNELS_REFERENCE"
                                                      : "";
  std::string text =
      "// Written by tml for a build without a command line (an Arduino library): the firmware's build options.\n"
      "#ifndef TML_BUILD_CONFIG_H\n#define TML_BUILD_CONFIG_H\n\n";
  if (define.empty()) {
    text += "// Kernel set: not fixed; kernels/kernel_set.cc takes the optimized set where the DSP extension exists.\n";
  } else {
    text += "// Kernel set of the model runner (tml --kernels " + kernels + ").\n";
    text += "#if !defined(TML_KERNELS_REFERENCE) && !defined(TML_KERNELS_OPTIMIZED)\n#define " + define + " 1\n#endif\n";
  }
  return text + "\n#endif  // TML_BUILD_CONFIG_H\n";
}

std::vector<std::filesystem::path> stage_firmware_core(const std::filesystem::path& source, const std::filesystem::path& lib_src,
                                                       const std::string& kernels) {
  namespace fs = std::filesystem;
  const std::string config = build_config_header(kernels);  // a bad --kernels copies nothing
  std::vector<fs::path> written;
  for (const auto& f : firmware_core_files(source)) {
    const fs::path to = lib_src / f.to;
    fs::create_directories(to.parent_path());
    fs::copy_file(f.from, to, fs::copy_options::overwrite_existing);
    written.push_back(f.to);
  }
  const fs::path config_rel = fs::path("tml") / "build_config.h";
  write_file_atomic(lib_src / config_rel, config);
  if (std::find(written.begin(), written.end(), config_rel) == written.end()) written.push_back(config_rel);
  return written;
}

}  // namespace tml::flash
