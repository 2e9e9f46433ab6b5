#include "fake_board.h"

#include <cstring>

namespace tml::test {
namespace {

FakeBoard* self(void* ctx) { return static_cast<FakeBoard*>(ctx); }

int fb_write(void* ctx, const uint8_t* data, size_t len) {
  self(ctx)->tx.insert(self(ctx)->tx.end(), data, data + len);
  return TML_OK;
}

int fb_read_byte(void* ctx) {
  auto& rx = self(ctx)->rx;
  if (rx.empty()) return -1;
  const int b = rx.front();
  rx.pop_front();
  return b;
}

int fb_configure(void* ctx, uint8_t sensor, uint32_t rate, tml_sensor_config* c) {
  std::memset(c, 0, sizeof *c);
  c->sensor = sensor;
  if (sensor == TML_SENSOR_ACCEL) {
    c->sample_format = TML_FORMAT_F32;
    c->axis_count = 3;
    c->rate_millihz = rate ? rate : 100000;
    c->scale = 1.0f;
    const char* names[3] = {"ax", "ay", "az"};
    for (int i = 0; i < 3; ++i) {
      std::strcpy(c->axes[i].name, names[i]);
      std::strcpy(c->axes[i].unit, "m/s2");
    }
  } else if (sensor == TML_SENSOR_MIC) {
    c->sample_format = TML_FORMAT_I16;
    c->axis_count = 1;
    c->rate_millihz = 16000000;
    c->scale = 1.0f;
    std::strcpy(c->axes[0].name, "audio");
    std::strcpy(c->axes[0].unit, "PCM");
  } else {
    return TML_ERR_UNSUPPORTED;
  }
  self(ctx)->sensor = sensor;
  return TML_OK;
}

int fb_start(void* ctx) {
  self(ctx)->produced = 0;
  ++self(ctx)->starts;
  return TML_OK;
}

int fb_stop(void* ctx) {
  ++self(ctx)->stops;
  return TML_OK;
}

int fb_read(void* ctx, void* out, size_t max_rows, uint32_t* dropped) {
  FakeBoard* b = self(ctx);
  *dropped = 0;
  if (b->drop_next && max_rows > 0) {  // the sensor's buffer overflowed: these rows are gone
    *dropped = b->drop_next;
    b->produced += b->drop_next;
    b->drop_next = 0;
  }
  size_t rows = (b->device.id.flags & TML_SESSION_FLAG_UNPACED) ? max_rows : std::min(max_rows, b->rows_per_poll);
  for (size_t i = 0; i < rows; ++i, ++b->produced) {
    if (b->sensor == TML_SENSOR_ACCEL) {
      for (int a = 0; a < 3; ++a) static_cast<float*>(out)[i * 3 + static_cast<size_t>(a)] = FakeBoard::accel_value(b->produced, a);
    } else {
      static_cast<int16_t*>(out)[i] = FakeBoard::mic_value(b->produced);
    }
  }
  return static_cast<int>(rows);
}

}  // namespace

FakeBoard::FakeBoard(uint8_t sensors, bool unpaced) {
  const tml_board_ops ops = {this, fb_write, fb_read_byte, fb_configure, fb_start, fb_stop, fb_read};
  const tml_device_identity id = {"fake-board", "9.9.9", sensors,
                                  static_cast<uint8_t>((sensors & (1u << TML_SENSOR_ACCEL)) ? TML_SENSOR_ACCEL : TML_SENSOR_MIC),
                                  unpaced ? TML_SESSION_FLAG_UNPACED : 0u, 0x12345678u};
  init_status = tml_device_init(&device, &ops, &id);
}

void FakeBoard::attach_model(const std::vector<uint8_t>& blob, uint32_t stride) {
  blob_.assign((blob.size() + 3) / 4, 0);
  std::memcpy(blob_.data(), blob.data(), blob.size());
  init_status = tml_model_init(&model_, reinterpret_cast<const uint8_t*>(blob_.data()), blob.size());
  if (init_status != TML_OK) return;
  arena_.assign(tml_model_arena_size(&model_) / 4 + 1, 0);
  window_.assign(tml_inference_buffer_size(&model_) / sizeof(float), 0.0f);
  init_status = tml_inference_init(&inference_, &model_, arena_.data(), arena_.size() * 4, window_.data(),
                                   window_.size() * sizeof(float), stride, nullptr, nullptr, nullptr);
  if (init_status == TML_OK) init_status = tml_device_attach_model(&device, &inference_, TML_SENSOR_ACCEL, 100000, 0);
}

int FakeBoard::poll(int times) {
  int s = TML_OK;
  for (int i = 0; i < times && s == TML_OK; ++i) s = tml_device_poll(&device);
  return s;
}

}  // namespace tml::test
