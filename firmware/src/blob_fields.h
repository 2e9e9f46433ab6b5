// Reading the model blob's little-endian fields in place, and IEEE-754 binary32 classes from the bits:
// shared by the runner (model.cc) and the output heads (model_heads.cc), private to them.
#ifndef TML_BLOB_FIELDS_H
#define TML_BLOB_FIELDS_H

#include <cstdint>
#include <cstring>

namespace tml::blob {

// finite: the exponent is not all ones (neither an infinity nor a NaN); positive finite: bits
// 0x00000001 .. 0x7F7FFFFF.
inline uint32_t float_bits(float v) {
  uint32_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}
inline bool positive_finite(float v) { return float_bits(v) - 1u < 0x7F7FFFFFu; }
inline bool finite(float v) { return (float_bits(v) & 0x7F800000u) != 0x7F800000u; }

// Element `index` of a 4-byte array at byte `offset` of the blob.
inline int32_t read_i32(const uint8_t* blob, uint32_t offset, uint32_t index) {
  int32_t v;
  memcpy(&v, blob + offset + 4 * index, sizeof v);
  return v;
}
inline float read_f32(const uint8_t* blob, uint32_t offset, uint32_t index) {
  float v;
  memcpy(&v, blob + offset + 4 * index, sizeof v);
  return v;
}

}  // namespace tml::blob

#endif  // TML_BLOB_FIELDS_H
