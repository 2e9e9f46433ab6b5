// The header `tml train --header` exports, used as a sketch uses it: a C program that includes it, links the
// firmware core and runs the model in an arena of exactly TML_MODEL_ARENA_SIZE bytes between two guard
// regions. Nothing outside the arena is touched, the top and the bottom of the arena are (so the size is
// not larger than needed), a smaller arena is refused with TML_ERR_BUFFER without a byte written, and the
// scores are the host's Int8Model's for the same window. The header also compiles warning-free for the
// Cortex-M4.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "pipeline/model_files.h"
#include "run_programs.h"
#include "tml/trainer/int8_model.h"
#include "util/atomic_file.h"

using tml::test::run;
using tml::test::TempDir;

namespace {

// The sketch: prints "<lowest> <highest>" (the arena bytes the run changed) then the scores of the window.
constexpr char kProgram[] = R"(#include "model.h"
#include "tml/model.h"
#include <stdio.h>
#include <string.h>

#define GUARD 256
static struct {
  uint8_t before[GUARD];
  uint8_t arena[TML_MODEL_ARENA_SIZE];
  uint8_t after[GUARD];
} mem __attribute__((aligned(16)));
static float raw[TML_MODEL_WINDOW_ROWS * TML_MODEL_AXIS_COUNT];

static int all(const uint8_t* p, size_t n, uint8_t v) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != v) return 0;
  return 1;
}

int main(void) {
  tml_model m;
  const size_t n = sizeof raw / sizeof raw[0];
  size_t lowest = TML_MODEL_ARENA_SIZE, highest = 0, i;
  int fill;
  if (tml_model_init(&m, tml_model_blob, TML_MODEL_BLOB_SIZE) != TML_OK) return 10;
  if (tml_model_arena_size(&m) != TML_MODEL_ARENA_SIZE) return 11;
  for (i = 0; i < n; ++i) raw[i] = (float)((int)((i * 37u) % 101u) - 50) * 0.25f;
  for (fill = 0; fill < 2; ++fill) {
    const uint8_t v = fill ? 0x5a : 0xa5;
    memset(&mem, v, sizeof mem);
    if (tml_model_prepare_input(&m, raw, n, tml_model_input(&m, mem.arena)) != TML_OK) return 12;
    if (tml_model_run(&m, mem.arena, TML_MODEL_ARENA_SIZE, NULL, NULL) != TML_OK) return 13;
    if (!all(mem.before, GUARD, v) || !all(mem.after, GUARD, v)) return 14;
    for (i = 0; i < TML_MODEL_ARENA_SIZE; ++i)
      if (mem.arena[i] != v) {
        if (i < lowest) lowest = i;
        if (i > highest) highest = i;
      }
  }
  printf("%u %u\n", (unsigned)lowest, (unsigned)highest);
  {
    const int8_t* scores = tml_model_output(&m, mem.arena);
    for (i = 0; i < TML_MODEL_CLASS_COUNT; ++i) printf("%d\n", scores[i]);
  }
  memset(&mem, 0xa5, sizeof mem);
  if (tml_model_run(&m, mem.arena, TML_MODEL_ARENA_SIZE - 1, NULL, NULL) != TML_ERR_BUFFER) return 15;
  if (tml_model_run(&m, mem.arena, TML_MODEL_ARENA_SIZE - 4, NULL, NULL) != TML_ERR_BUFFER) return 16;
  if (!all((const uint8_t*)&mem, sizeof mem, 0xa5)) return 17;
  return 0;
}
)";

}  // namespace

TEST_CASE("the exported header runs in exactly its stated arena and no larger one is needed", "[exported_header][slow]") {
  for (const char* preset : {"conv1d", "dense"}) {
    INFO(preset);
    TempDir dir("tml-exported-header");
    const auto header = dir / "model.h";
    auto r = tml::test::run_tml({"train", "--dataset", tml::test::example_gestures().string(), "--model", preset,
                                 "--epochs", "3", "--header", header.string(), "-q"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    tml::write_file_atomic(dir / "sketch.c", kProgram);
    const std::string inc = "-I" + (tml::test::source_dir() / "firmware" / "include").string();
    const std::string src = (dir / "sketch.c").string();
    r = run({"gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", inc, "-c", src, "-o", (dir / "sketch.o").string()}, 120);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    r = run({"g++", (dir / "sketch.o").string(), tml::test::core_library().string(), "-o",
             (dir / "sketch").string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    r = run({"arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-std=c11",
             "-Wall", "-Wextra", "-Werror", inc, "-c", src, "-o", (dir / "sketch.m4.o").string()},
            120);
    INFO(r.err);
    CHECK(r.exit_code == 0);

    r = run({(dir / "sketch").string()});
    INFO("sketch exit " << r.exit_code << ": " << r.out);
    REQUIRE(r.exit_code == 0);
    const tml::trainer::ExportedHeader h = tml::pipeline::read_model_header(header);
    std::istringstream out(r.out);
    unsigned lowest = 0, highest = 0;
    out >> lowest >> highest;
    CHECK(lowest == 0);                      // the model input sits at the bottom of the arena
    CHECK(highest >= h.arena_size - 4);      // and the largest layer's other buffer ends at its top
    CHECK(highest < h.arena_size);
    std::vector<int8_t> scores;
    for (int s; out >> s;) scores.push_back(static_cast<int8_t>(s));

    // The host's run of the same blob and window.
    tml::trainer::Int8Model host(h.blob);
    std::vector<float> raw(static_cast<size_t>(host.window_rows()) * host.axes());
    for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<float>(static_cast<int>((i * 37u) % 101u) - 50) * 0.25f;
    CHECK(scores == host.run(raw.data()));
  }
}
