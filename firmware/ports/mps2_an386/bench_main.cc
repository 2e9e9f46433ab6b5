// Benchmark image for the emulated board: runs model blobs and reports the instructions each layer and
// each whole inference takes (bench/bench_kernels.cc starts it under QEMU with -icount shift=0 and
// prints the tables). Built once per kernel set (tml-bench-reference.elf, tml-bench-optimized.elf).
//
// Command line (QEMU's semihosting arg= options): --model=PATH ... (tml model blobs, read from the host).
// For each model, on QEMU's stderr:
//   model <path> layers <n> arena <bytes> status <tml_status of init>
//   layer <i> kind <kind> reps <r> ticks <t>    (layer i alone, run r times: t ticks of 40 instructions)
//   total reps 1 ticks <t>                       (tml_model_run on a fresh input)
//   output <hex bytes>                           (the model output of the timed run)
// then `overhead ticks <t>` (an empty timed interval) and `done`. Exit status 0, or 1 if a model failed.
//
// The input is the same pseudo-random window for every model and kernel set, so the outputs of the two
// images must be equal byte for byte; the benchmark checks that too.
#include <cstring>

#include "insn_timer.h"
#include "semihost_print.h"
#include "semihosting.h"
#include "tml/model.h"

namespace tml::mps2 {
namespace {

constexpr uint32_t kLayerReps = 16;

alignas(16) uint8_t g_blob[96 * 1024];
alignas(16) uint8_t g_arena[24 * 1024];
alignas(4) int8_t g_input[8 * 1024];
char g_cmdline[2048];

int load_file(const char* path, uint8_t* buf, size_t cap, size_t* len) {
  const int fd = semihost_open(path);
  if (fd < 0) return -1;
  const long n = semihost_flen(fd);
  int rc = -1;
  if (n > 0 && static_cast<size_t>(n) <= cap && semihost_read(fd, buf, static_cast<size_t>(n)) == n) {
    *len = static_cast<size_t>(n);
    rc = 0;
  }
  semihost_close(fd);
  return rc;
}

void fill_input(int8_t* x, uint32_t n) {
  uint32_t s = 0x12345678u;  // xorshift32
  for (uint32_t i = 0; i < n; ++i) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    x[i] = static_cast<int8_t>(s >> 24);
  }
}

bool bench_model(const char* path) {
  print("model ");
  print(path);
  size_t len = 0;
  if (load_file(path, g_blob, sizeof g_blob, &len) != 0) {
    print(" cannot be read\n");
    return false;
  }
  tml_model model;
  const int rc = tml_model_init(&model, g_blob, len);
  print(" layers ");
  print_int(rc == TML_OK ? model.header.layer_count : 0);
  print(" arena ");
  print_int(rc == TML_OK ? tml_model_arena_size(&model) : 0);
  print(" status ");
  print_int(rc);
  print("\n");
  const uint32_t in_size = rc == TML_OK ? tml_model_input_size(&model) : 0;
  if (rc != TML_OK || tml_model_arena_size(&model) > sizeof g_arena || in_size > sizeof g_input) return false;
  fill_input(g_input, in_size);

  // Layer by layer, each repeated: layer i reads buffer i, which only layer i-1 wrote, so every
  // repetition sees the data a real inference gives it.
  memcpy(tml_model_input(&model, g_arena), g_input, in_size);
  for (uint32_t i = 0; i < model.header.layer_count; ++i) {
    tml_layer_record r;
    tml_model_layer(&model, i, &r);
    const uint32_t t0 = insn_timer_read();
    for (uint32_t k = 0; k < kLayerReps; ++k) tml_model_run_layer(&model, g_arena, sizeof g_arena, i);
    const uint32_t ticks = insn_timer_ticks(t0, insn_timer_read());
    print("layer ");
    print_int(i);
    print(" kind ");
    print_int(r.kind);
    print(" reps ");
    print_int(kLayerReps);
    print(" ticks ");
    print_int(ticks);
    print("\n");
  }

  memcpy(tml_model_input(&model, g_arena), g_input, in_size);
  const uint32_t t0 = insn_timer_read();
  tml_model_run(&model, g_arena, sizeof g_arena, nullptr, nullptr);
  const uint32_t ticks = insn_timer_ticks(t0, insn_timer_read());
  print("total reps 1 ticks ");
  print_int(ticks);
  print("\noutput ");
  print_hex(reinterpret_cast<const uint8_t*>(tml_model_output(&model, g_arena)), tml_model_output_size(&model));
  print("\n");
  return true;
}

}  // namespace
}  // namespace tml::mps2

int main() {
  using namespace tml::mps2;
  insn_timer_start();
  if (semihost_cmdline(g_cmdline, sizeof g_cmdline) != 0) return 2;
  bool ok = true;
  char* cursor = g_cmdline;
  while (char* word = semihost_next_word(&cursor))
    if (!strncmp(word, "--model=", 8)) ok = bench_model(word + 8) && ok;
  const uint32_t t0 = insn_timer_read();
  const uint32_t overhead = insn_timer_ticks(t0, insn_timer_read());
  print("overhead ticks ");
  print_int(overhead);
  print("\ndone\n");
  return ok ? 0 : 1;
}
