// Logarithms and square root without libm (tml/fmath.h): IEEE single-precision operations in a fixed
// order and integer operations on the bits, so every target gives the same result.
//
// Logarithm: x = 2^k * m with m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact), and
//   log(m) = log(1 + f) = 2 atanh(s),  s = f / (2 + f),  |s| <= 0.1716
//          = f - s*f + s*R(z),         R(z) = 2z/3 + 2z^2/5 + 2z^3/7 + 2z^4/9,  z = s^2
// (the Taylor series of atanh; the first omitted term is below 2^-28 of the result). Since
// s*f = f^2/2 - s*f^2/2, log(1 + f) = f - (h - s*(h + R)) with h = f^2/2: the large terms f and h carry
// most of the value with at most one rounding each, the rounding error of s only enters the small
// correction s*(h + R). ln 2 is split into a 15-bit head (k * head is exact for every k) and a tail.
#include "fp_strict.h"  // first: see there
#include "tml/fmath.h"

#include <cstdint>
#include <cstring>

namespace tml {
namespace {

uint32_t bits_of(float v) {
  uint32_t b;
  memcpy(&b, &v, sizeof b);
  return b;
}

float from_bits(uint32_t b) {
  float v;
  memcpy(&v, &b, sizeof v);
  return v;
}

constexpr uint32_t kSignBit = 0x80000000u;
constexpr uint32_t kInfBits = 0x7F800000u;
constexpr uint32_t kQuietNan = 0x7FC00000u;
constexpr uint32_t kMinNormalBits = 0x00800000u;
constexpr uint32_t kSqrtHalfMantissa = 0x3504F3u;  // mantissa bits of the square root of 2 (~1.41421354)

// ln 2 = kLn2Hi + kLn2Lo, kLn2Hi with 15 significant bits; log10 2 likewise.
constexpr float kLn2Hi = 0.693145751953125f;
constexpr float kLn2Lo = 1.428606765330187e-06f;
constexpr float kLog10of2Hi = 0.301025390625f;
constexpr float kLog10of2Lo = 4.605039066518657e-06f;
// 1 / ln 2 and 1 / ln 10 split into a 12-bit head and a tail: a 12-bit number times a head is exact.
constexpr float kInvLn2Hi = 1.4423828125f;
constexpr float kInvLn2Lo = 0.00031222839606925845f;
constexpr float kInvLn10Hi = 0.4342041015625f;
constexpr float kInvLn10Lo = 9.038033749675378e-05f;

// The reduction shared by the three logarithms, for a positive finite x: x = 2^k * (1 + f), and the two
// parts of log(1 + f) = f - (h - c): h = f^2 / 2 and the correction c = s * (h + R(s^2)).
struct LogParts {
  float k;
  float f;
  float h;
  float c;
};

// Special values (zero, negative, infinity, NaN) give true and their result in *special.
bool log_special(float x, float* special) {
  const uint32_t b = bits_of(x);
  if ((b & ~kSignBit) == 0) {
    *special = from_bits(kSignBit | kInfBits);  // log(+-0) = -inf
    return true;
  }
  if (b & kSignBit) {
    *special = from_bits(kQuietNan);  // negative (or a NaN with the sign bit)
    return true;
  }
  if (b >= kInfBits) {
    *special = b == kInfBits ? x : from_bits(kQuietNan);
    return true;
  }
  return false;
}

LogParts log_reduce(float x) {
  uint32_t b = bits_of(x);
  int32_t k = 0;
  if (b < kMinNormalBits) {  // subnormal: scale by 2^25 (exact) to make it normal
    b = bits_of(x * 33554432.0f);
    k = -25;
  }
  k += static_cast<int32_t>(b >> 23) - 127;
  uint32_t mantissa = b & 0x7FFFFFu;
  // m in [1, 2), or m / 2 in [sqrt(1/2), 1) when m >= sqrt(2).
  uint32_t m_bits = mantissa | 0x3F800000u;
  if (mantissa >= kSqrtHalfMantissa) {
    m_bits = mantissa | 0x3F000000u;
    ++k;
  }
  LogParts p;
  p.k = static_cast<float>(k);
  p.f = from_bits(m_bits) - 1.0f;  // exact (Sterbenz: m in [1/2, 2])
  const float s = p.f / (2.0f + p.f);
  const float z = s * s;
  const float r = z * (0.6666666865348816f + z * (0.4000000059604645f + z * (0.2857142984867096f +
                                                                              z * 0.2222222238779068f)));
  p.h = 0.5f * p.f * p.f;
  p.c = s * (p.h + r);
  return p;
}

// log(1 + f) = hi + lo with hi = f - h cut to 12 significant bits (f - hi is exact by Sterbenz, as
// h <= 0.21 |f|), so hi times a 12-bit head of 1 / ln b is exact and only small terms are rounded.
void log_split(const LogParts& p, float* hi, float* lo) {
  *hi = from_bits(bits_of(p.f - p.h) & 0xFFFFF000u);
  *lo = ((p.f - *hi) - p.h) + p.c;
}

// Integer square root of n < 2^48: floor(sqrt(n)) and the remainder n - root^2.
uint32_t isqrt48(uint64_t n, uint64_t* remainder) {
  uint64_t root = 0;
  for (uint64_t bit = uint64_t{1} << 46; bit; bit >>= 2) {
    if (n >= root + bit) {
      n -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
  }
  *remainder = n;
  return static_cast<uint32_t>(root);
}

}  // namespace

extern "C" float tml_logf(float x) {
  float special;
  if (log_special(x, &special)) return special;
  const LogParts p = log_reduce(x);
  return p.k * kLn2Hi - ((p.h - (p.c + p.k * kLn2Lo)) - p.f);
}

extern "C" float tml_log2f(float x) {
  float special;
  if (log_special(x, &special)) return special;
  const LogParts p = log_reduce(x);
  float hi, lo;
  log_split(p, &hi, &lo);
  return ((lo + hi) * kInvLn2Lo + lo * kInvLn2Hi) + hi * kInvLn2Hi + p.k;
}

extern "C" float tml_log10f(float x) {
  float special;
  if (log_special(x, &special)) return special;
  const LogParts p = log_reduce(x);
  float hi, lo;
  log_split(p, &hi, &lo);
  return ((p.k * kLog10of2Lo + (lo + hi) * kInvLn10Lo) + lo * kInvLn10Hi) + hi * kInvLn10Hi + p.k * kLog10of2Hi;
}

// x = M * 2^E with the 24-bit significand M; N = M * 2^s (s = 23 or 24, so that E - s is even) lies in
// [2^46, 2^48) and sqrt(x) = sqrt(N) * 2^((E - s) / 2), with sqrt(N) in [2^23, 2^24): the integer root q
// and its remainder give the correctly rounded significand (sqrt(N) > q + 1/2 iff N - q^2 > q; a tie is
// impossible).
extern "C" float tml_sqrtf(float x) {
  const uint32_t b = bits_of(x);
  if ((b & ~kSignBit) == 0) return x;                   // +-0
  if (b & kSignBit) return from_bits(kQuietNan);        // negative, or a NaN with the sign bit
  if (b >= kInfBits) return b == kInfBits ? x : from_bits(kQuietNan);
  int32_t exponent = static_cast<int32_t>(b >> 23);
  uint32_t significand = b & 0x7FFFFFu;
  if (exponent == 0) {  // subnormal: normalise
    exponent = 1;
    while (!(significand & 0x800000u)) {
      significand <<= 1;
      --exponent;
    }
  } else {
    significand |= 0x800000u;
  }
  const int32_t e = exponent - 150;  // x = significand * 2^e
  const int32_t shift = ((e - 23) & 1) ? 24 : 23;
  uint64_t remainder;
  uint32_t q = isqrt48(static_cast<uint64_t>(significand) << shift, &remainder);
  if (remainder > q) ++q;
  const int32_t half = (e - shift) / 2;  // exact: e - shift is even
  // q in [2^23, 2^24]: the exponent field plus the significand without its leading bit (a q of 2^24
  // carries into the exponent, which is right).
  const uint32_t biased = static_cast<uint32_t>(half + 23 + 127);
  return from_bits((biased << 23) + (q - 0x800000u));
}

}  // namespace tml
