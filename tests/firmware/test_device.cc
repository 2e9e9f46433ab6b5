// The board's command loop and streaming (tml/device.h), run on the host over in-memory queues.
#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "fake_board.h"
#include "host_side.h"
#include "tml/protocol/frame.h"

using tml::test::as;
using tml::test::FakeBoard;
using tml::test::HostSide;
using tml::test::Msg;

namespace {

tml_msg_ack ack_of(const Msg& m) {
  REQUIRE(m.type == TML_MSG_ACK);
  REQUIRE(m.payload.size() == sizeof(tml_msg_ack));
  return as<tml_msg_ack>(m);
}

}  // namespace

TEST_CASE("the board announces itself at boot", "[device]") {
  FakeBoard b;
  REQUIRE(b.init_status == TML_OK);
  REQUIRE(!b.tx.empty());
  CHECK(b.tx[0] == 0x00);  // flushes the host's decoder
  HostSide h;
  auto msgs = h.drain(b.tx);
  REQUIRE(msgs.size() == 1);
  REQUIRE(msgs[0].type == TML_MSG_SESSION);
  REQUIRE(msgs[0].payload.size() == sizeof(tml_msg_session));
  const auto s = as<tml_msg_session>(msgs[0]);
  CHECK(s.protocol_version == TML_PROTOCOL_VERSION);
  CHECK(std::string(s.board) == "fake-board");
  CHECK(std::string(s.firmware) == "9.9.9");
  CHECK(s.sensor == TML_SENSOR_ACCEL);
  CHECK(s.sample_format == TML_FORMAT_F32);
  CHECK(s.axis_count == 3);
  CHECK(s.rate_millihz == 100000);
  CHECK(std::string(s.axes[2].name) == "az");
  CHECK(std::string(s.axes[2].unit) == "m/s2");
  CHECK(s.model_hash == 0x12345678u);
  CHECK(s.streaming == 0);
  CHECK(s.sensors_available == ((1u << TML_SENSOR_ACCEL) | (1u << TML_SENSOR_MIC)));
  CHECK(s.samples_per_message == TML_SAMPLES_MAX_DATA / 12);
}

TEST_CASE("HELLO is acknowledged and answered with the session", "[device]") {
  FakeBoard b;
  HostSide h;
  h.drain(b.tx);
  const uint32_t seq = h.send(b.rx, TML_MSG_HELLO);
  b.poll();
  auto msgs = h.drain(b.tx);
  REQUIRE(msgs.size() == 2);
  const auto a = ack_of(msgs[0]);
  CHECK(a.command_seq == seq);
  CHECK(a.command_type == TML_MSG_HELLO);
  CHECK(a.status == TML_OK);
  CHECK(msgs[1].type == TML_MSG_SESSION);
}

TEST_CASE("START with a row count streams exactly those rows numbered from 0 then stops", "[device]") {
  FakeBoard b;
  HostSide h;
  h.drain(b.tx);
  const uint32_t rows = 1000;  // not a multiple of the rows per message
  tml_msg_start start{rows, TML_START_SAMPLES};
  h.send(b.rx, TML_MSG_START, &start, sizeof start);
  b.poll(200);
  auto msgs = h.drain(b.tx);
  REQUIRE(msgs.size() >= 3);
  CHECK(ack_of(msgs[0]).status == TML_OK);
  REQUIRE(msgs[1].type == TML_MSG_SESSION);
  CHECK(as<tml_msg_session>(msgs[1]).streaming == 1);
  uint32_t next = 0;
  size_t i = 2;
  for (; i < msgs.size() && msgs[i].type == TML_MSG_SAMPLES; ++i) {
    const auto hdr = as<tml_msg_samples>(msgs[i]);
    REQUIRE(hdr.first_index == next);
    REQUIRE(msgs[i].payload.size() == sizeof hdr + hdr.count * 12u);
    for (uint32_t r = 0; r < hdr.count; ++r)
      for (int a = 0; a < 3; ++a) {
        float v;
        std::memcpy(&v, msgs[i].payload.data() + sizeof hdr + (r * 3 + static_cast<uint32_t>(a)) * 4, 4);
        REQUIRE(v == FakeBoard::accel_value(next + r, a));
      }
    next += hdr.count;
  }
  CHECK(next == rows);
  REQUIRE(i + 1 == msgs.size());  // and a final session header saying it stopped
  CHECK(msgs[i].type == TML_MSG_SESSION);
  CHECK(as<tml_msg_session>(msgs[i]).streaming == 0);
  CHECK(b.stops == 1);
  b.poll(50);
  CHECK(h.drain(b.tx).empty());  // nothing after the end
}

TEST_CASE("START without a count streams until STOP", "[device]") {
  FakeBoard b;
  HostSide h;
  h.send(b.rx, TML_MSG_SET_SENSOR, nullptr, 0);  // malformed: no payload
  b.poll();
  h.drain(b.tx);
  h.send(b.rx, TML_MSG_START);
  b.poll(20);
  auto msgs = h.drain(b.tx);
  size_t samples = 0;
  for (const auto& m : msgs) samples += m.type == TML_MSG_SAMPLES;
  CHECK(samples >= 10);
  h.send(b.rx, TML_MSG_START);  // already streaming
  const uint32_t stop_seq = h.send(b.rx, TML_MSG_STOP);
  b.poll();
  msgs = h.drain(b.tx);
  std::vector<int> statuses;
  for (const auto& m : msgs)
    if (m.type == TML_MSG_ACK) statuses.push_back(ack_of(m).status);
  CHECK(statuses == std::vector<int>{TML_ERR_STATE, TML_OK});
  CHECK(ack_of(msgs.back()).command_seq == stop_seq);
  b.poll(20);
  CHECK(h.drain(b.tx).empty());
}

TEST_CASE("configuration commands", "[device]") {
  FakeBoard b;
  HostSide h;
  h.drain(b.tx);
  SECTION("switching to the microphone changes the session") {
    tml_msg_set_sensor m{TML_SENSOR_MIC, {0, 0, 0}};
    h.send(b.rx, TML_MSG_SET_SENSOR, &m, sizeof m);
    b.poll();
    auto msgs = h.drain(b.tx);
    REQUIRE(msgs.size() == 2);
    CHECK(ack_of(msgs[0]).status == TML_OK);
    const auto s = as<tml_msg_session>(msgs[1]);
    CHECK(s.sensor == TML_SENSOR_MIC);
    CHECK(s.sample_format == TML_FORMAT_I16);
    CHECK(s.rate_millihz == 16000000);
    CHECK(s.samples_per_message == TML_SAMPLES_MAX_DATA / 2);
  }
  SECTION("a sensor the board lacks is refused") {
    tml_msg_set_sensor m{TML_SENSOR_LIGHT, {0, 0, 0}};
    h.send(b.rx, TML_MSG_SET_SENSOR, &m, sizeof m);
    b.poll();
    auto msgs = h.drain(b.tx);
    REQUIRE(msgs.size() == 1);
    CHECK(ack_of(msgs[0]).status == TML_ERR_UNSUPPORTED);
  }
  SECTION("a rate change is reported") {
    tml_msg_set_rate m{50000};
    h.send(b.rx, TML_MSG_SET_RATE, &m, sizeof m);
    b.poll();
    auto msgs = h.drain(b.tx);
    REQUIRE(msgs.size() == 2);
    CHECK(as<tml_msg_session>(msgs[1]).rate_millihz == 50000);
  }
  SECTION("unknown commands and wrong payload sizes") {
    h.send(b.rx, 0x7E);
    const uint8_t junk[3] = {1, 2, 3};
    h.send(b.rx, TML_MSG_SET_RATE, junk, sizeof junk);
    b.poll();
    auto msgs = h.drain(b.tx);
    REQUIRE(msgs.size() == 2);
    CHECK(ack_of(msgs[0]).status == TML_ERR_UNSUPPORTED);
    CHECK(ack_of(msgs[1]).status == TML_ERR_FORMAT);
  }
  SECTION("a corrupted command is dropped and the next one still works") {
    std::vector<uint8_t> bad = {0x05, 0x01, 0x01, 0x99, 0x98, 0x00};
    b.host_send(bad);
    const uint32_t seq = h.send(b.rx, TML_MSG_HELLO);
    b.poll();
    auto msgs = h.drain(b.tx);
    REQUIRE(msgs.size() == 2);
    CHECK(ack_of(msgs[0]).command_seq == seq);
  }
}

TEST_CASE("rows per message are full when unpaced and about 40 ms when paced", "[device]") {
  tml_sensor_config c{};
  c.sample_format = TML_FORMAT_F32;
  c.axis_count = 3;
  c.rate_millihz = 104000;
  CHECK(tml_device_rows_per_message(&c, 1) == TML_SAMPLES_MAX_DATA / 12);
  CHECK(tml_device_rows_per_message(&c, 0) == 4);
  c.rate_millihz = 1000;
  CHECK(tml_device_rows_per_message(&c, 0) == 1);
  c.sample_format = TML_FORMAT_I16;
  c.axis_count = 1;
  c.rate_millihz = 16000000;
  CHECK(tml_device_rows_per_message(&c, 0) == TML_SAMPLES_MAX_DATA / 2);  // capped by the frame
}

TEST_CASE("paced streaming sends partial batches only when full", "[device]") {
  FakeBoard b(1u << TML_SENSOR_ACCEL, /*unpaced=*/false);
  HostSide h;
  h.drain(b.tx);
  tml_msg_start start{10, TML_START_SAMPLES};
  h.send(b.rx, TML_MSG_START, &start, sizeof start);
  b.rows_per_poll = 1;
  b.poll(3);  // 1 poll handles START, 2 more make 2 rows: less than a message of 4
  auto msgs = h.drain(b.tx);
  for (const auto& m : msgs) CHECK(m.type != TML_MSG_SAMPLES);
  b.poll(20);
  msgs = h.drain(b.tx);
  uint32_t rows = 0;
  for (const auto& m : msgs)
    if (m.type == TML_MSG_SAMPLES) rows += as<tml_msg_samples>(m).count;
  CHECK(rows == 10);
}

TEST_CASE("rows a sensor had to drop leave a gap in the indices and are never hidden", "[device]") {
  FakeBoard b;
  HostSide h;
  h.drain(b.tx);
  const uint32_t per_message = b.device.rows_per_message;
  tml_msg_start start{per_message * 4, TML_START_SAMPLES};
  h.send(b.rx, TML_MSG_START, &start, sizeof start);
  b.poll(2);  // START, then the first full message
  b.drop_next = 10;
  b.poll(50);
  auto msgs = h.drain(b.tx);
  std::vector<std::pair<uint32_t, uint32_t>> batches;  // (first_index, count)
  for (const auto& m : msgs)
    if (m.type == TML_MSG_SAMPLES) batches.emplace_back(as<tml_msg_samples>(m).first_index, as<tml_msg_samples>(m).count);
  REQUIRE(batches.size() >= 2);
  CHECK(batches[0] == std::make_pair(0u, per_message));
  uint32_t sent = 0, gaps = 0, gap_rows = 0, gap_at = 0, expected = 0;
  for (const auto& bt : batches) {
    if (bt.first != expected) {
      ++gaps;
      gap_rows += bt.first - expected;
      gap_at = bt.first;
    }
    expected = bt.first + bt.second;
    sent += bt.second;
  }
  CHECK(gaps == 1);
  CHECK(gap_rows == 10);  // the ten dropped rows are a visible gap
  CHECK(sent == per_message * 4 - 10);  // and the stream still ends at the requested row count
  CHECK(batches.back().first + batches.back().second == per_message * 4);
  // The values after the gap are the sensor's rows after the gap.
  for (const auto& m : msgs)
    if (m.type == TML_MSG_SAMPLES && as<tml_msg_samples>(m).first_index == gap_at) {
      float v;
      std::memcpy(&v, m.payload.data() + sizeof(tml_msg_samples), 4);
      CHECK(v == FakeBoard::accel_value(gap_at, 0));
    }
}

// ---- the PREDICTION message's layout (docs/protocol.md) --------------------------------------------

namespace {

void put_le(std::vector<uint8_t>& b, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void put_f32(std::vector<uint8_t>& b, float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  put_le(b, bits, 4);
}

// The PREDICTION a board sends for these arguments, decoded by the host's end.
Msg prediction(const int8_t* scores, uint32_t count, uint32_t top, const float* values, uint32_t value_count,
               const tml_anomaly_result* anomaly) {
  FakeBoard b;
  HostSide host;
  host.drain(b.tx);
  REQUIRE(tml_device_send_prediction(&b.device, 0x01020304u, scores, count, top, 0xA0B0C0D0u, 1, values, value_count,
                                     anomaly) == TML_OK);
  const auto msgs = host.drain(b.tx);
  REQUIRE(msgs.size() == 1);
  REQUIRE(msgs[0].type == TML_MSG_PREDICTION);
  return msgs[0];
}

// Header bytes: first_index, cost, class_count, top, cost_unit, flags.
std::vector<uint8_t> header_bytes(uint8_t count, uint8_t top, uint8_t flags) {
  std::vector<uint8_t> b;
  put_le(b, 0x01020304u, 4);
  put_le(b, 0xA0B0C0D0u, 4);
  b.insert(b.end(), {count, top, 1, flags});
  return b;
}

}  // namespace

TEST_CASE("a prediction without values or anomaly is the header and the scores alone", "[device][heads]") {
  const int8_t scores[3] = {-100, 20, 7};
  auto expected = header_bytes(3, 1, 0);
  expected.insert(expected.end(), {0x9C, 20, 7});
  CHECK(prediction(scores, 3, 1, nullptr, 0, nullptr).payload == expected);
  // value_count 0 sends no values whatever the pointer.
  const float values[1] = {1.0f};
  CHECK(prediction(scores, 3, 1, values, 0, nullptr).payload == expected);
}

TEST_CASE("a prediction with values carries a count and little-endian float32s after the scores", "[device][heads]") {
  const int8_t scores[2] = {5, -6};
  const float values[2] = {3.7f, -1234.5f};
  auto expected = header_bytes(2, 0, TML_PREDICTION_FLAG_VALUES);
  expected.insert(expected.end(), {5, 0xFA, 2});
  put_f32(expected, 3.7f);
  put_f32(expected, -1234.5f);
  const Msg m = prediction(scores, 2, 0, values, 2, nullptr);
  CHECK(m.payload == expected);
  // Decoded as documented: the values at offset 12 + class_count + 1, unaligned.
  const auto p = as<tml_msg_prediction>(m);
  CHECK(p.flags == TML_PREDICTION_FLAG_VALUES);
  const size_t at = sizeof p + p.class_count;
  REQUIRE(m.payload.size() == at + 1 + 2 * 4);
  CHECK(m.payload[at] == 2);
  float v[2];
  std::memcpy(v, m.payload.data() + at + 1, sizeof v);
  CHECK(v[0] == 3.7f);
  CHECK(v[1] == -1234.5f);

  // A model of value heads alone: no scores, top 0 (the scores may be NULL).
  auto alone = header_bytes(0, 0, TML_PREDICTION_FLAG_VALUES);
  alone.push_back(1);
  put_f32(alone, -1234.5f);
  CHECK(prediction(nullptr, 0, 0, values + 1, 1, nullptr).payload == alone);
}

TEST_CASE("a prediction with values and an anomaly score has the values first", "[device][heads]") {
  const int8_t scores[2] = {1, 2};
  const float values[3] = {0.5f, -0.0f, 1e30f};
  tml_anomaly_result a{};
  a.score = -70000;
  a.threshold = 0x00012345;
  a.cluster = 3;
  a.anomalous = 1;
  auto expected = header_bytes(2, 1, TML_PREDICTION_FLAG_VALUES | TML_PREDICTION_FLAG_ANOMALY);
  expected.insert(expected.end(), {1, 2, 3});
  for (float f : values) put_f32(expected, f);
  put_le(expected, static_cast<uint32_t>(-70000), 4);
  put_le(expected, 0x00012345u, 4);
  put_le(expected, 3, 2);
  expected.insert(expected.end(), {1, 0});
  const Msg m = prediction(scores, 2, 1, values, 3, &a);
  CHECK(m.payload == expected);
  const size_t at = sizeof(tml_msg_prediction) + 2 + 1 + 3 * 4;
  REQUIRE(m.payload.size() == at + sizeof(tml_msg_anomaly));
  tml_msg_anomaly got;
  std::memcpy(&got, m.payload.data() + at, sizeof got);
  CHECK(got.score == -70000);
  CHECK(got.threshold == 0x00012345);
  CHECK(got.cluster == 3);
  CHECK(got.anomalous == 1);

  // Anomaly alone: the bytes of before the values existed.
  auto anomaly_only = header_bytes(2, 1, TML_PREDICTION_FLAG_ANOMALY);
  anomaly_only.insert(anomaly_only.end(), {1, 2});
  anomaly_only.insert(anomaly_only.end(), expected.end() - sizeof(tml_msg_anomaly), expected.end());
  CHECK(prediction(scores, 2, 1, nullptr, 0, &a).payload == anomaly_only);
}

TEST_CASE("a prediction with impossible counts or missing arrays is refused", "[device][heads]") {
  FakeBoard b;
  const int8_t scores[2] = {1, 2};
  const float values[2] = {1.0f, 2.0f};
  const size_t sent = b.tx.size();
  CHECK(tml_device_send_prediction(&b.device, 0, scores, 2, 0, 0, 0, nullptr, 1, nullptr) == TML_ERR_ARG);
  CHECK(tml_device_send_prediction(&b.device, 0, scores, 2, 0, 0, 0, values, 256, nullptr) == TML_ERR_ARG);
  CHECK(tml_device_send_prediction(&b.device, 0, nullptr, 2, 0, 0, 0, values, 2, nullptr) == TML_ERR_ARG);
  CHECK(tml_device_send_prediction(&b.device, 0, scores, 2, 2, 0, 0, values, 2, nullptr) == TML_ERR_ARG);
  CHECK(tml_device_send_prediction(&b.device, 0, nullptr, 0, 1, 0, 0, values, 2, nullptr) == TML_ERR_ARG);
  CHECK(b.tx.size() == sent);
}
