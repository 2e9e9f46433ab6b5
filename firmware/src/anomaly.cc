// The anomaly block (tml/anomaly.h): its validation at load and the score of one network input, in
// integer arithmetic only. Layout and rules: tml/model_format.h (tml_anomaly_record) and
// docs/model_format.md#anomaly-block; what the scores mean: docs/anomaly.md.
#include "tml/anomaly.h"

#include <cstring>

#include "tml/kernels.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the anomaly block is little-endian and read in place"
#endif

namespace tml {
namespace {

int32_t read_i32(const uint8_t* block, uint32_t offset, uint32_t index) {
  int32_t v;
  memcpy(&v, block + offset + 4 * index, sizeof v);
  return v;
}

bool multiplier_ok(int32_t m) { return m == 0 || m >= (1 << 30); }
bool shift_ok(int32_t s) { return s >= -31 && s <= 30; }

// `bytes` bytes at `offset`, after the record, 4-aligned, inside the block.
bool fits(const tml_anomaly_record& r, uint32_t offset, uint64_t bytes) {
  return offset % 4 == 0 && offset >= TML_ANOMALY_RECORD_SIZE && offset <= r.size && bytes <= r.size - offset;
}

int validate(const tml_anomaly_record& r, const uint8_t* block) {
  if (r.flags || r.record_size != TML_ANOMALY_RECORD_SIZE || r.reserved0) return TML_ERR_FORMAT;
  for (uint32_t v : r.reserved)
    if (v) return TML_ERR_FORMAT;
  if (r.dims < 1 || r.dims > TML_ANOMALY_MAX_DIMS) return TML_ERR_FORMAT;
  if (r.kind == TML_ANOMALY_AUTOENCODER) {
    if (r.clusters || r.centres_offset || r.radius_offset || r.multiplier_offset || r.shift_offset) return TML_ERR_FORMAT;
    return multiplier_ok(r.multiplier) && shift_ok(r.shift) ? TML_OK : TML_ERR_FORMAT;
  }
  if (r.kind != TML_ANOMALY_KMEANS) return TML_ERR_FORMAT;
  const uint32_t k = r.clusters;
  if (k < 1 || k > TML_ANOMALY_MAX_CLUSTERS || r.multiplier || r.shift) return TML_ERR_FORMAT;
  if (!fits(r, r.centres_offset, uint64_t{k} * r.dims) || !fits(r, r.radius_offset, 4u * k) ||
      !fits(r, r.multiplier_offset, 4u * k) || !fits(r, r.shift_offset, 4u * k))
    return TML_ERR_FORMAT;
  for (uint32_t c = 0; c < k; ++c) {
    const int32_t radius = read_i32(block, r.radius_offset, c);
    if (radius < -TML_ANOMALY_MAX_OFFSET || radius > TML_ANOMALY_MAX_OFFSET) return TML_ERR_FORMAT;
    if (!multiplier_ok(read_i32(block, r.multiplier_offset, c)) || !shift_ok(read_i32(block, r.shift_offset, c)))
      return TML_ERR_FORMAT;
  }
  return TML_OK;
}

}  // namespace

extern "C" uint32_t tml_isqrt64(uint64_t v) {
  // Digit by digit in base 4: after the loop `root` is floor(sqrt(v)) and v holds the remainder.
  uint64_t root = 0;
  uint64_t bit = uint64_t{1} << 62;
  while (bit > v) bit >>= 2;
  while (bit) {
    if (v >= root + bit) {
      v -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return static_cast<uint32_t>(root);
}

extern "C" int32_t tml_anomaly_scale(int64_t v, int32_t multiplier, int32_t shift) {
  // |v| < 2^32 and multiplier < 2^31: the product fits in 63 bits. right = 31 - shift is 1 .. 62.
  const int64_t product = v * int64_t{multiplier};
  const int32_t right = 31 - shift;
  const uint64_t magnitude = product < 0 ? uint64_t(0) - uint64_t(product) : uint64_t(product);
  const uint64_t rounded = (magnitude + (uint64_t{1} << (right - 1))) >> right;  // ties away from zero
  if (rounded > uint64_t{INT32_MAX}) return product < 0 ? INT32_MIN : INT32_MAX;
  return product < 0 ? -static_cast<int32_t>(rounded) : static_cast<int32_t>(rounded);
}

extern "C" int tml_anomaly_init(tml_anomaly* a, const void* block, size_t len) {
  if (!a || !block || reinterpret_cast<uintptr_t>(block) % 4) return TML_ERR_ARG;
  if (len < TML_ANOMALY_RECORD_SIZE) return TML_ERR_FORMAT;
  tml_anomaly_record r;
  memcpy(&r, block, sizeof r);
  if (r.size < TML_ANOMALY_RECORD_SIZE || r.size % 4 || r.size > len) return TML_ERR_FORMAT;
  const int rc = validate(r, static_cast<const uint8_t*>(block));
  if (rc != TML_OK) return rc;
  a->block = static_cast<const uint8_t*>(block);
  a->kind = r.kind;
  a->record = r;
  return TML_OK;
}

extern "C" int tml_anomaly_score(const tml_anomaly* a, const int8_t* input, const int8_t* output,
                                 tml_anomaly_result* result) {
  if (!a || !a->block || !input || !result) return TML_ERR_ARG;
  const tml_anomaly_record& r = a->record;
  const int32_t dims = static_cast<int32_t>(r.dims);
  tml_anomaly_result out = {};
  if (r.kind == TML_ANOMALY_AUTOENCODER) {
    if (!output) return TML_ERR_ARG;
    out.score = tml_anomaly_scale(tml_squared_error_s8(dims, input, output), r.multiplier, r.shift);
    out.cluster = -1;
  } else {
    // The blob is 4-aligned and so are its int32 tables (checked at init): read them in place.
    const int8_t* centres = reinterpret_cast<const int8_t*>(a->block + r.centres_offset);
    int32_t d2 = 0;
    const int32_t k = tml_nearest_centre_s8(dims, input, r.clusters, centres, &d2);
    // The distance in Q8 int8 steps: d2 <= 33025 * 255^2 < 2^31, so d2 * 2^16 < 2^47.
    const int64_t distance = int64_t{tml_isqrt64(static_cast<uint64_t>(d2) << 16)};
    const int64_t v = distance - read_i32(a->block, r.radius_offset, static_cast<uint32_t>(k));
    out.score = tml_anomaly_scale(v, read_i32(a->block, r.multiplier_offset, static_cast<uint32_t>(k)),
                                  read_i32(a->block, r.shift_offset, static_cast<uint32_t>(k)));
    out.cluster = k;
  }
  out.threshold = r.threshold;
  out.anomalous = out.score > r.threshold ? 1 : 0;
  *result = out;
  return TML_OK;
}

}  // namespace tml
