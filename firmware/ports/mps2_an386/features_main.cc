// Front-end image for the emulated board: computes features (and, for a model, its input and scores)
// of inputs the host sends, prints them in full, and counts the instructions they took. The host
// compares the bytes with its own (tests/e2e/test_features_board.cc: bit for bit) and reads the counts
// (bench/bench_kernels.cc: under QEMU -icount shift=0, one tick = 40 instructions).
//
// Command line (QEMU's semihosting arg= options): --job=PATH ... Each job file, little-endian:
//   u32 magic "TMLJ", u32 mode, f32 scale, u32 reps, u32 data_len, u32 input_count, data (padded to 4),
//   input (f32 or i16 values, input_count of them)
// modes:
//   0  data is a front-end section, input raw f32: tml_features_run
//   1  data is an audio section, input int16: tml_features_run_i16 with `scale`, and one frame alone
//      (tml_audio_frame_i16 on the window's first frame)
//   2  data is a model blob with a front end, input raw f32: tml_model_prepare_features + tml_model_run
//      (+ tml_model_anomaly when the blob has an anomaly block)
//   3  no data, input f32: tml_logf, tml_log2f, tml_log10f and tml_sqrtf of every value
// For each job, on QEMU's stderr:
//   job <path> status <tml_status> count <n> ticks <t> reps <r>   (t: ticks of r timed runs)
//   frame ticks <t> reps <r>                                       (mode 1)
//   out <hex of the outputs: features as f32, or model input int8 then output int8 (then the
//       tml_anomaly_result's 16 bytes with an anomaly block), or 4 f32 per value>
// then `done`. Exit status 0, or 1 if a job failed.
#include <cstring>

#include "insn_timer.h"
#include "semihost_print.h"
#include "semihosting.h"
#include "tml/features.h"
#include "tml/fft.h"
#include "tml/fmath.h"
#include "tml/model.h"

namespace tml::mps2 {
namespace {

constexpr uint32_t kJobMagic = 0x4A4C4D54u;  // "TMLJ"

struct JobHeader {
  uint32_t magic;
  uint32_t mode;
  float scale;
  uint32_t reps;
  uint32_t data_len;
  uint32_t input_count;
};

alignas(16) uint8_t g_job[96 * 1024];
alignas(16) uint32_t g_scratch[6 * 1024];
alignas(16) uint8_t g_arena[16 * 1024];
float g_out[4 * 1024];
char g_cmdline[8192];  // the job paths: about 40 jobs in temporary folders

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

void report(int status, uint32_t count, uint32_t ticks, uint32_t reps) {
  print(" status ");
  print_int(status);
  print(" count ");
  print_int(count);
  print(" ticks ");
  print_int(ticks);
  print(" reps ");
  print_int(reps);
  print("\n");
}

bool features_job(const JobHeader& h, const uint8_t* data, const void* input) {
  tml_features fe;
  int rc = tml_features_init(&fe, data, h.data_len);
  const uint32_t count = rc == TML_OK ? tml_features_output_size(&fe) : 0;
  if (rc == TML_OK && (count > sizeof g_out / 4 || tml_features_buffer_size(&fe) > sizeof g_scratch))
    rc = TML_ERR_BUFFER;
  if (rc != TML_OK) {
    report(rc, 0, 0, 0);
    return false;
  }
  const uint32_t t0 = insn_timer_read();
  for (uint32_t k = 0; k < h.reps && rc == TML_OK; ++k) {
    rc = h.mode == 0 ? tml_features_run(&fe, static_cast<const float*>(input), h.input_count, g_out, g_scratch,
                                        sizeof g_scratch)
                     : tml_features_run_i16(&fe, static_cast<const int16_t*>(input), h.input_count, h.scale, g_out,
                                            g_scratch, sizeof g_scratch);
  }
  const uint32_t ticks = insn_timer_ticks(t0, insn_timer_read());
  report(rc, count, ticks, h.reps);
  if (rc != TML_OK) return false;
  if (h.mode == 1 && fe.kind != TML_FEATURES_SPECTRAL) {
    const int16_t* first = static_cast<const int16_t*>(input) + fe.record.audio.frame_offset;
    float frame[TML_FFT_MAX_SIZE / 2 + 1];
    const uint32_t f0 = insn_timer_read();
    for (uint32_t k = 0; k < h.reps; ++k)
      tml_audio_frame_i16(&fe, first, h.scale, frame, g_scratch, sizeof g_scratch);
    const uint32_t frame_ticks = insn_timer_ticks(f0, insn_timer_read());
    print("frame ticks ");
    print_int(frame_ticks);
    print(" reps ");
    print_int(h.reps);
    print("\n");
  }
  print("out ");
  print_hex(reinterpret_cast<const uint8_t*>(g_out), 4 * count);
  print("\n");
  return true;
}

bool model_job(const JobHeader& h, const uint8_t* data, const float* input) {
  tml_model model;
  int rc = tml_model_init(&model, data, h.data_len);
  if (rc == TML_OK && (tml_model_arena_size(&model) > sizeof g_arena ||
                       tml_model_features_buffer_size(&model) > sizeof g_scratch))
    rc = TML_ERR_BUFFER;
  if (rc != TML_OK) {
    report(rc, 0, 0, 0);
    return false;
  }
  int8_t* in = tml_model_input(&model, g_arena);
  tml_anomaly_result anomaly;
  memset(&anomaly, 0, sizeof anomaly);
  const uint32_t t0 = insn_timer_read();
  for (uint32_t k = 0; k < h.reps && rc == TML_OK; ++k) {
    rc = tml_model_prepare_features(&model, input, h.input_count, g_scratch, sizeof g_scratch, in);
    if (rc == TML_OK) rc = tml_model_run(&model, g_arena, sizeof g_arena, nullptr, nullptr);
    if (rc == TML_OK && model.anomaly.block) rc = tml_model_anomaly(&model, g_arena, sizeof g_arena, &anomaly);
  }
  const uint32_t ticks = insn_timer_ticks(t0, insn_timer_read());
  report(rc, tml_model_input_size(&model) + tml_model_output_size(&model), ticks, h.reps);
  if (rc != TML_OK) return false;
  // The run overwrote nothing of the input only if the plan keeps it: prepare it again to print it.
  rc = tml_model_prepare_features(&model, input, h.input_count, g_scratch, sizeof g_scratch, in);
  print("out ");
  print_hex(reinterpret_cast<const uint8_t*>(in), tml_model_input_size(&model));
  tml_model_run(&model, g_arena, sizeof g_arena, nullptr, nullptr);
  print_hex(reinterpret_cast<const uint8_t*>(tml_model_output(&model, g_arena)), tml_model_output_size(&model));
  if (model.anomaly.block) {
    rc = tml_model_anomaly(&model, g_arena, sizeof g_arena, &anomaly);
    print_hex(reinterpret_cast<const uint8_t*>(&anomaly), sizeof anomaly);
  }
  print("\n");
  return rc == TML_OK;
}

bool math_job(const JobHeader& h, const float* input) {
  if (h.input_count > sizeof g_out / 16) {
    report(TML_ERR_BUFFER, 0, 0, 0);
    return false;
  }
  const uint32_t t0 = insn_timer_read();
  for (uint32_t i = 0; i < h.input_count; ++i) {
    g_out[4 * i] = tml_logf(input[i]);
    g_out[4 * i + 1] = tml_log2f(input[i]);
    g_out[4 * i + 2] = tml_log10f(input[i]);
    g_out[4 * i + 3] = tml_sqrtf(input[i]);
  }
  report(TML_OK, 4 * h.input_count, insn_timer_ticks(t0, insn_timer_read()), 1);
  print("out ");
  print_hex(reinterpret_cast<const uint8_t*>(g_out), 16 * h.input_count);
  print("\n");
  return true;
}

bool run_job(const char* path) {
  print("job ");
  print(path);
  size_t len = 0;
  JobHeader h;
  if (load_file(path, g_job, sizeof g_job, &len) != 0 || len < sizeof h) {
    print(" cannot be read\n");
    return false;
  }
  memcpy(&h, g_job, sizeof h);
  const uint32_t data_padded = (h.data_len + 3u) & ~3u;
  const uint32_t value_size = h.mode == 1 ? 2 : 4;
  if (h.magic != kJobMagic || h.mode > 3 || !h.reps || data_padded > len - sizeof h ||
      h.input_count > (len - sizeof h - data_padded) / value_size) {
    print(" is not a job file\n");
    return false;
  }
  const uint8_t* data = g_job + sizeof h;
  const void* input = data + data_padded;
  switch (h.mode) {
    case 0:
    case 1: return features_job(h, data, input);
    case 2: return model_job(h, data, static_cast<const float*>(input));
    default: return math_job(h, static_cast<const float*>(input));
  }
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
    if (!strncmp(word, "--job=", 6)) ok = run_job(word + 6) && ok;
  print("done\n");
  return ok ? 0 : 1;
}
