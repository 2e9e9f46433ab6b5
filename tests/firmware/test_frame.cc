// The frame codec: golden bytes, COBS block boundaries, resynchronisation after garbage, corruption,
// sequence gaps and size limits. The golden frames were computed independently (a separate COBS encoder
// and zlib's CRC-32).
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <vector>

#include "tml/protocol/frame.h"

namespace {

std::vector<uint8_t> encode(uint8_t type, uint32_t seq, const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> out(TML_FRAME_ENCODED_MAX(payload.size()));
  const tml_bytes part = {payload.data(), payload.size()};
  const int n = tml_frame_encode(type, seq, &part, 1, out.data(), out.size());
  REQUIRE(n > 0);
  out.resize(static_cast<size_t>(n));
  return out;
}

struct Decoded {
  std::vector<int> statuses;  // every non-AGAIN status, in order
  std::vector<tml_frame> frames;
  std::vector<std::vector<uint8_t>> payloads;
};

struct Decoder {
  std::vector<uint8_t> buf;
  tml_frame_decoder d{};
  explicit Decoder(size_t cap = TML_FRAME_DECODER_BUFFER_SIZE) : buf(cap) {
    REQUIRE(tml_frame_decoder_init(&d, buf.data(), buf.size()) == TML_OK);
  }
  Decoded push(const std::vector<uint8_t>& bytes) {
    Decoded out;
    for (uint8_t b : bytes) {
      tml_frame f;
      const int s = tml_frame_decoder_push(&d, b, &f);
      if (s == TML_ERR_AGAIN) continue;
      out.statuses.push_back(s);
      if (s == TML_FRAME_READY || s == TML_FRAME_GAP) {
        out.frames.push_back(f);
        out.payloads.emplace_back(f.payload, f.payload + f.payload_len);
      }
    }
    return out;
  }
};

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace

TEST_CASE("golden frames", "[frame]") {
  SECTION("HELLO, seq 0, empty payload") {
    const std::vector<uint8_t> golden = {0x03, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
                                         0x05, 0x43, 0xd4, 0xff, 0x0f, 0x00};
    CHECK(encode(0x01, 0, {}) == golden);
  }
  SECTION("payload with zeros, seq 0x01020304") {
    const std::vector<uint8_t> golden = {0x04, 0x01, 0x82, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x03,
                                         0x01, 0x02, 0x01, 0x06, 0xff, 0xcd, 0x33, 0xe0, 0x0d, 0x00};
    CHECK(encode(0x82, 0x01020304, {0, 1, 2, 0, 0, 255}) == golden);
  }
  SECTION("a 254-byte run without zeros crosses a COBS block") {
    std::vector<uint8_t> payload(254);
    for (int i = 0; i < 254; ++i) payload[static_cast<size_t>(i)] = static_cast<uint8_t>(i + 1);
    const auto f = encode(0x83, 7, payload);
    REQUIRE(f.size() == 269);
    const std::vector<uint8_t> head = {0x04, 0x01, 0x83, 0xfe, 0x02, 0x07, 0x01, 0x01, 0xff};
    CHECK(std::vector<uint8_t>(f.begin(), f.begin() + 9) == head);
    const std::vector<uint8_t> last = {0xfd, 0xfe, 0x05, 0x38, 0xbb, 0xcb, 0xbe, 0x00};
    CHECK(std::vector<uint8_t>(f.end() - 8, f.end()) == last);
  }
}

TEST_CASE("encoded frames contain no zero before the delimiter", "[frame]") {
  std::mt19937 rng(1);
  for (size_t len : {0u, 1u, 253u, 254u, 255u, 507u, 508u, 509u, 1024u}) {
    std::vector<uint8_t> payload(len);
    for (auto& b : payload) b = static_cast<uint8_t>(rng() % 3 == 0 ? 0 : rng());
    const auto f = encode(0x82, 1, payload);
    CHECK(f.back() == 0);
    CHECK(std::count(f.begin(), f.end(), uint8_t{0}) == 1);
    CHECK(f.size() <= TML_FRAME_ENCODED_MAX(len));
  }
}

TEST_CASE("round trip of every payload length up to the maximum", "[frame]") {
  std::mt19937 rng(2);
  Decoder dec;
  for (size_t len = 0; len <= TML_FRAME_MAX_PAYLOAD; len += (len < 600 ? 1 : 37)) {
    std::vector<uint8_t> payload(len);
    for (auto& b : payload) b = static_cast<uint8_t>(rng() % 4 == 0 ? 0 : rng());
    auto out = dec.push(encode(0x82, static_cast<uint32_t>(len), payload));
    REQUIRE(out.frames.size() == 1);
    CHECK(out.payloads[0] == payload);
    CHECK(out.frames[0].type == 0x82);
  }
  CHECK(dec.d.stats.crc_errors == 0);
  CHECK(dec.d.stats.format_errors == 0);
}

TEST_CASE("size limits", "[frame]") {
  std::vector<uint8_t> big(TML_FRAME_MAX_PAYLOAD + 1, 0x55);
  std::vector<uint8_t> out(TML_FRAME_ENCODED_MAX(big.size()));
  const tml_bytes part = {big.data(), big.size()};
  CHECK(tml_frame_encode(1, 0, &part, 1, out.data(), out.size()) == TML_ERR_ARG);

  SECTION("an output buffer one byte short is refused") {
    std::vector<uint8_t> p(100, 0x11);
    const tml_bytes pp = {p.data(), p.size()};
    const int need = tml_frame_encode(1, 0, &pp, 1, out.data(), out.size());
    REQUIRE(need > 0);
    std::vector<uint8_t> small(static_cast<size_t>(need) - 1);
    CHECK(tml_frame_encode(1, 0, &pp, 1, small.data(), small.size()) == TML_ERR_BUFFER);
    std::vector<uint8_t> exact(static_cast<size_t>(need));
    CHECK(tml_frame_encode(1, 0, &pp, 1, exact.data(), exact.size()) == need);
  }
  SECTION("a frame that exactly fits the decoder buffer is accepted, one byte more is oversize") {
    Decoder dec(TML_FRAME_RAW_SIZE(100));
    auto fits = dec.push(encode(2, 0, std::vector<uint8_t>(100, 7)));
    REQUIRE(fits.frames.size() == 1);
    auto over = dec.push(encode(2, 1, std::vector<uint8_t>(101, 7)));
    CHECK(over.statuses == std::vector<int>{TML_ERR_BUFFER});
    CHECK(dec.d.stats.oversize == 1);
    auto next = dec.push(encode(2, 2, std::vector<uint8_t>(5, 7)));  // and it recovers
    CHECK(next.frames.size() == 1);
  }
  CHECK(tml_frame_decoder_init(nullptr, out.data(), out.size()) == TML_ERR_ARG);
  tml_frame_decoder d;
  CHECK(tml_frame_decoder_init(&d, out.data(), TML_FRAME_RAW_SIZE(0) - 1) == TML_ERR_ARG);
}

TEST_CASE("resynchronises after random garbage", "[frame]") {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    Decoder dec;
    std::vector<uint8_t> garbage(rng() % 3000);
    for (auto& b : garbage) b = static_cast<uint8_t>(rng());
    std::vector<uint8_t> payload(rng() % 200);
    for (auto& b : payload) b = static_cast<uint8_t>(rng());
    auto out = dec.push(concat({garbage, {0x00}, encode(0x82, 5, payload)}));
    REQUIRE(!out.frames.empty());
    CHECK(out.payloads.back() == payload);
    CHECK(out.frames.back().seq == 5);
  }
}

TEST_CASE("every single-bit corruption is caught", "[frame]") {
  std::vector<uint8_t> payload(40);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 7);
  const auto good = encode(0x82, 9, payload);
  int caught = 0, total = 0;
  for (size_t byte = 0; byte + 1 < good.size(); ++byte) {  // every byte but the delimiter
    for (int bit = 0; bit < 8; ++bit) {
      auto bad = good;
      bad[byte] ^= static_cast<uint8_t>(1u << bit);
      Decoder dec;
      auto out = dec.push(concat({bad, {0x00}}));  // a trailing delimiter ends a frame a zero split early
      ++total;
      bool delivered_wrong = false;
      for (size_t i = 0; i < out.frames.size(); ++i) delivered_wrong |= out.payloads[i] != payload || out.frames[i].seq != 9;
      CHECK_FALSE(delivered_wrong);
      bool any_error = false;
      for (int s : out.statuses) any_error |= s < 0;
      caught += any_error ? 1 : 0;
    }
  }
  CHECK(caught == total);
}

TEST_CASE("sequence gaps are counted and a restart is not a loss", "[frame]") {
  Decoder dec;
  auto out = dec.push(concat({encode(1, 10, {}), encode(1, 11, {}), encode(1, 15, {}), encode(1, 16, {})}));
  REQUIRE(out.statuses == std::vector<int>{TML_FRAME_READY, TML_FRAME_READY, TML_FRAME_GAP, TML_FRAME_READY});
  CHECK(out.frames[2].lost == 3);
  CHECK(dec.d.stats.lost == 3);
  CHECK(dec.d.stats.frames == 4);

  auto restart = dec.push(encode(1, 0, {}));  // the board rebooted
  CHECK(restart.statuses == std::vector<int>{TML_FRAME_READY});
  CHECK(dec.d.stats.restarts == 1);
  CHECK(dec.d.stats.lost == 3);

  tml_frame_decoder_reset_stream(&dec.d);
  CHECK(dec.d.stats.frames == 0);
  CHECK(dec.d.stats.lost == 0);
  // Sequence numbers wrap around 2^32: 0xFFFFFFFF and 0 are missing between these two.
  auto wrap = dec.push(concat({encode(1, 0xFFFFFFFEu, {}), encode(1, 1, {}), encode(1, 2, {})}));
  REQUIRE(wrap.statuses == std::vector<int>{TML_FRAME_READY, TML_FRAME_GAP, TML_FRAME_READY});
  CHECK(wrap.frames[1].lost == 2);
  CHECK(dec.d.stats.restarts == 0);
}

TEST_CASE("malformed frames are told apart", "[frame]") {
  Decoder dec;
  SECTION("empty frames between delimiters are ignored") {
    CHECK(dec.push({0, 0, 0}).statuses.empty());
  }
  SECTION("too short for a header") {
    CHECK(dec.push({0x03, 0x01, 0x01, 0x00}).statuses == std::vector<int>{TML_ERR_FORMAT});
  }
  SECTION("a COBS block cut short by the delimiter") {
    auto f = encode(1, 0, {1, 2, 3});
    f.erase(f.end() - 3, f.end() - 1);  // drop two bytes before the delimiter
    CHECK(dec.push(f).statuses == std::vector<int>{TML_ERR_FORMAT});
  }
  SECTION("a bad CRC") {
    auto f = encode(1, 0, {1, 2, 3});
    f[f.size() - 3] ^= 0x40;
    CHECK(dec.push(f).statuses == std::vector<int>{TML_ERR_CRC});
    CHECK(dec.d.stats.crc_errors == 1);
  }
  SECTION("an unknown frame version") {
    // Version 2, type 1, length 0, seq 0, with a correct CRC (zlib: 0x8170d3a0).
    const std::vector<uint8_t> v2 = {0x03, 0x02, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x05, 0xa0, 0xd3, 0x70, 0x81, 0x00};
    CHECK(dec.push(v2).statuses == std::vector<int>{TML_ERR_VERSION});
  }
  SECTION("a length field that disagrees with the frame") {
    // Version 1, type 1, length 5 but no payload, seq 0, correct CRC (zlib: 0x5f3245f0).
    const std::vector<uint8_t> lie = {0x04, 0x01, 0x01, 0x05, 0x01, 0x01, 0x01, 0x01, 0x05, 0xf0, 0x45, 0x32, 0x5f, 0x00};
    CHECK(dec.push(lie).statuses == std::vector<int>{TML_ERR_FORMAT});
  }
}

TEST_CASE("payload parts are concatenated", "[frame]") {
  const uint8_t a[] = {1, 2, 3};
  const uint8_t b[] = {0, 4};
  const tml_bytes parts[3] = {{a, 3}, {nullptr, 0}, {b, 2}};
  std::vector<uint8_t> out(64);
  const int n = tml_frame_encode(0x82, 1, parts, 3, out.data(), out.size());
  REQUIRE(n > 0);
  out.resize(static_cast<size_t>(n));
  CHECK(out == encode(0x82, 1, {1, 2, 3, 0, 4}));
  const tml_bytes bad = {nullptr, 3};
  CHECK(tml_frame_encode(1, 0, &bad, 1, out.data(), out.size()) == TML_ERR_ARG);
}

TEST_CASE("random byte streams never crash the decoder or overrun its buffer", "[frame]") {
  std::mt19937 rng(4);
  std::vector<uint8_t> storage(64 + 32, 0xA5);
  tml_frame_decoder d;
  REQUIRE(tml_frame_decoder_init(&d, storage.data() + 16, 64) == TML_OK);
  for (int i = 0; i < 200000; ++i) {
    tml_frame f;
    const uint8_t byte = static_cast<uint8_t>(rng() % 8 == 0 ? 0 : rng());
    const int s = tml_frame_decoder_push(&d, byte, &f);
    REQUIRE((s == TML_ERR_AGAIN || s == TML_FRAME_READY || s == TML_FRAME_GAP || s == TML_ERR_CRC ||
             s == TML_ERR_FORMAT || s == TML_ERR_BUFFER || s == TML_ERR_VERSION));
  }
  for (int i = 0; i < 16; ++i) {
    CHECK(storage[static_cast<size_t>(i)] == 0xA5);
    CHECK(storage[storage.size() - 1 - static_cast<size_t>(i)] == 0xA5);
  }
}
