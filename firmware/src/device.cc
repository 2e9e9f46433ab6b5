// The board's command loop and sample streaming (see tml/device.h).
#include "tml/device.h"

#include <cstring>

namespace tml {
namespace {

void copy_name(char* dst, size_t cap, const char* src) {
  memset(dst, 0, cap);
  if (!src) return;
  for (size_t i = 0; i < cap && src[i]; ++i) dst[i] = src[i];
}

uint8_t* sample_buf(tml_device* d) { return reinterpret_cast<uint8_t*>(d->sample_words); }

size_t row_bytes(const tml_sensor_config& c) { return tml_sample_format_size(c.sample_format) * c.axis_count; }

bool config_valid(const tml_sensor_config& c) {
  return c.axis_count >= 1 && c.axis_count <= TML_MAX_AXES && tml_sample_format_size(c.sample_format) != 0 &&
         c.rate_millihz > 0;
}

int configure(tml_device* d, uint8_t sensor, uint32_t rate_millihz) {
  if (sensor >= TML_SENSOR_COUNT || !(d->id.sensors_available & (1u << sensor))) return TML_ERR_UNSUPPORTED;
  tml_sensor_config c{};
  int s = d->ops.sensor_configure(d->ops.ctx, sensor, rate_millihz, &c);
  if (s < 0) return s;
  if (!config_valid(c)) return TML_ERR_UNSUPPORTED;
  d->config = c;
  d->rows_per_message = tml_device_rows_per_message(&c, (d->id.flags & TML_SESSION_FLAG_UNPACED) != 0);
  return TML_OK;
}

int flush_rows(tml_device* d) {
  if (d->rows_pending == 0) return TML_OK;
  tml_msg_samples h{};
  h.first_index = d->next_index;
  h.count = d->rows_pending;
  h.sensor = d->config.sensor;
  h.sample_format = d->config.sample_format;
  const tml_bytes parts[2] = {{&h, sizeof h}, {sample_buf(d), d->rows_pending * row_bytes(d->config)}};
  if ((d->start_flags & TML_START_PREDICT) && d->inference) {
    const int s = tml_inference_push(d->inference, h.first_index, sample_buf(d), h.count, d->config.sample_format,
                                     d->config.axis_count, d->config.scale);
    if (s != TML_OK) return s;
  }
  d->next_index += d->rows_pending;
  d->rows_pending = 0;
  if (!(d->start_flags & TML_START_SAMPLES)) return TML_OK;
  return tml_device_send(d, TML_MSG_SAMPLES, parts, 2);
}

int stop(tml_device* d) {
  if (!d->streaming) return TML_OK;
  d->streaming = 0;
  int s = d->ops.sensor_stop(d->ops.ctx);
  d->rows_pending = 0;  // rows after STOP are not wanted
  return s;
}

// Predictions need a model, and a stream of the sensor, axes and rate it was trained on.
int check_model_stream(tml_device* d) {
  if (!d->inference) {
    tml_device_log(d, "this firmware carries no model: flash one with tml flash --model");
    return TML_ERR_UNSUPPORTED;
  }
  if (d->config.sensor != d->model_sensor || d->config.axis_count != d->inference->axes ||
      d->config.rate_millihz != d->model_rate_millihz) {
    tml_device_log(d, "the model was trained on another sensor, axis count or sample rate than the one selected");
    return TML_ERR_UNSUPPORTED;
  }
  return TML_OK;
}

void on_prediction(void* ctx, uint32_t first_index, const int8_t* scores, uint32_t count, uint32_t top, uint32_t cost) {
  tml_device* d = static_cast<tml_device*>(ctx);
  const tml_inference* inf = d->inference;
  const tml_anomaly_result* anomaly = inf->has_anomaly ? &inf->anomaly : nullptr;
  (void)tml_device_send_prediction(d, first_index, scores, count, top, cost, d->cost_unit, inf->values,
                                   inf->value_count, anomaly);
  tml_detection det;
  if (d->detector && count == d->detector->classes &&
      tml_detector_push(d->detector, first_index + d->inference->window_rows, scores, &det)) {
    tml_msg_detection m{det.index, det.label, det.score, det.windows, 0};
    const tml_bytes part = {&m, sizeof m};
    (void)tml_device_send(d, TML_MSG_DETECTION, &part, 1);
  }
}

// SET_DETECT: new detection parameters, only while not streaming.
int set_detect(tml_device* d, const tml_frame& f) {
  if (!d->detector) return TML_ERR_UNSUPPORTED;
  if (f.payload_len != sizeof(tml_detect_params)) return TML_ERR_FORMAT;
  if (d->streaming) return TML_ERR_STATE;
  tml_detect_params p;
  memcpy(&p, f.payload, sizeof p);
  return tml_detector_init(d->detector, &p, d->detector->classes);
}

int ack(tml_device* d, const tml_frame& cmd, int status) {
  tml_msg_ack a{};
  a.command_seq = cmd.seq;
  a.command_type = cmd.type;
  a.status = static_cast<int16_t>(status);
  const tml_bytes part = {&a, sizeof a};
  return tml_device_send(d, TML_MSG_ACK, &part, 1);
}

// SET_SENSOR (the sensor's default rate) or SET_RATE (the current sensor): a 4-byte payload, only while
// not streaming.
int set_config(tml_device* d, const tml_frame& f) {
  static_assert(sizeof(tml_msg_set_sensor) == 4 && sizeof(tml_msg_set_rate) == 4, "both configure with 4 bytes");
  if (f.payload_len != 4) return TML_ERR_FORMAT;
  if (d->streaming) return TML_ERR_STATE;
  if (f.type == TML_MSG_SET_SENSOR) {
    tml_msg_set_sensor m;
    memcpy(&m, f.payload, sizeof m);
    return configure(d, m.sensor, 0);
  }
  tml_msg_set_rate m;
  memcpy(&m, f.payload, sizeof m);
  return configure(d, d->config.sensor, m.rate_millihz);
}

int handle_command(tml_device* d, const tml_frame& f) {
  int status = TML_OK;
  bool announce = false;
  switch (f.type) {
    case TML_MSG_HELLO:
      announce = true;
      break;
    case TML_MSG_SET_SENSOR:
    case TML_MSG_SET_RATE:
      status = set_config(d, f);
      announce = status == TML_OK;
      break;
    case TML_MSG_START: {
      tml_msg_start m{0, TML_START_SAMPLES};
      if (f.payload_len != 0 && f.payload_len != 4 && f.payload_len != sizeof m) {
        status = TML_ERR_FORMAT;
        break;
      }
      memcpy(&m, f.payload, f.payload_len);
      if (d->streaming) {
        status = TML_ERR_STATE;
        break;
      }
      if (!m.flags || (m.flags & ~(TML_START_SAMPLES | TML_START_PREDICT))) {
        status = TML_ERR_ARG;
        break;
      }
      if (m.flags & TML_START_PREDICT) {
        status = check_model_stream(d);
        if (status != TML_OK) break;
        tml_inference_reset(d->inference);
        if (d->detector) tml_detector_reset(d->detector);
      }
      d->start_flags = m.flags;  // the port's sensor_start may look at what is asked for
      status = d->ops.sensor_start(d->ops.ctx);
      if (status == TML_OK) {
        d->streaming = 1;
        d->next_index = 0;
        d->rows_pending = 0;
        d->row_limit = m.rows;
        announce = true;
      }
      break;
    }
    case TML_MSG_STOP:
      status = stop(d);
      break;
    case TML_MSG_SET_DETECT:
      status = set_detect(d, f);
      break;
    default:
      status = TML_ERR_UNSUPPORTED;
      break;
  }
  int s = ack(d, f, status);
  if (s == TML_OK && announce) s = tml_device_send_session(d);
  return s;
}

}  // namespace

extern "C" uint16_t tml_device_rows_per_message(const tml_sensor_config* config, int unpaced) {
  const size_t bytes = row_bytes(*config);
  if (bytes == 0) return 1;
  const size_t fit = TML_SAMPLES_MAX_DATA / bytes;
  size_t rows = unpaced ? fit : config->rate_millihz / 25000u;  // ~40 ms of data per message
  if (rows > fit) rows = fit;
  if (rows < 1) rows = 1;
  return static_cast<uint16_t>(rows);
}

extern "C" int tml_device_send(tml_device* d, uint8_t type, const tml_bytes* parts, size_t part_count) {
  int n = tml_frame_encode(type, d->tx_seq, parts, part_count, d->tx_buf, sizeof d->tx_buf);
  if (n < 0) return n;
  ++d->tx_seq;
  return d->ops.write(d->ops.ctx, d->tx_buf, static_cast<size_t>(n));
}

extern "C" int tml_device_send_session(tml_device* d) {
  tml_msg_session m;
  memset(&m, 0, sizeof m);
  m.protocol_version = TML_PROTOCOL_VERSION;
  m.sensor = d->config.sensor;
  m.sample_format = d->config.sample_format;
  m.axis_count = d->config.axis_count;
  m.rate_millihz = d->config.rate_millihz;
  m.scale = d->config.scale;
  m.samples_per_message = d->rows_per_message;
  m.streaming = d->streaming;
  m.sensors_available = d->id.sensors_available;
  m.model_hash = d->id.model_hash;
  m.flags = d->id.flags;
  copy_name(m.board, sizeof m.board, d->id.board);
  copy_name(m.firmware, sizeof m.firmware, d->id.firmware);
  memcpy(m.axes, d->config.axes, sizeof m.axes);
  const tml_bytes part = {&m, sizeof m};
  return tml_device_send(d, TML_MSG_SESSION, &part, 1);
}

extern "C" int tml_device_log(tml_device* d, const char* text) {
  const tml_bytes part = {text, strlen(text) > TML_FRAME_MAX_PAYLOAD ? TML_FRAME_MAX_PAYLOAD : strlen(text)};
  return tml_device_send(d, TML_MSG_LOG, &part, 1);
}

extern "C" int tml_device_send_prediction(tml_device* d, uint32_t first_index, const int8_t* scores, uint32_t count,
                                          uint32_t top, uint32_t cost, uint8_t cost_unit, const float* values,
                                          uint32_t value_count, const tml_anomaly_result* anomaly) {
  if (count > 255 || (count ? top >= count : top != 0) || (count && !scores)) return TML_ERR_ARG;
  if (value_count > 255 || (value_count && !values)) return TML_ERR_ARG;
  tml_msg_prediction p{};
  p.first_index = first_index;
  p.cost = cost;
  p.class_count = static_cast<uint8_t>(count);
  p.top = static_cast<uint8_t>(top);
  p.cost_unit = cost_unit;
  // The parts in message order; a part is left out rather than sent empty, so a model without value
  // heads or anomaly block sends exactly the bytes it did before the flags.
  tml_bytes parts[5] = {{&p, sizeof p}, {scores, count}};
  size_t n = 2;
  const uint8_t values_len = static_cast<uint8_t>(value_count);
  if (value_count) {
    p.flags |= TML_PREDICTION_FLAG_VALUES;
    parts[n++] = {&values_len, 1};
    parts[n++] = {values, value_count * sizeof(float)};  // binary32 in memory is little-endian here (messages.h)
  }
  tml_msg_anomaly a{};
  if (anomaly) {
    p.flags |= TML_PREDICTION_FLAG_ANOMALY;
    a.score = anomaly->score;
    a.threshold = anomaly->threshold;
    a.cluster = static_cast<int16_t>(anomaly->cluster);
    a.anomalous = anomaly->anomalous;
    parts[n++] = {&a, sizeof a};
  }
  return tml_device_send(d, TML_MSG_PREDICTION, parts, n);
}

extern "C" int tml_device_attach_model(tml_device* d, tml_inference* inference, uint8_t sensor, uint32_t rate_millihz,
                                       uint8_t cost_unit) {
  if (!d || !inference || !inference->model) return TML_ERR_ARG;
  d->inference = inference;
  d->model_sensor = sensor;
  d->model_rate_millihz = rate_millihz;
  d->cost_unit = cost_unit;
  inference->on_result = on_prediction;
  inference->ctx = d;
  d->id.flags |= TML_SESSION_FLAG_INFERENCE;
  d->id.model_hash = inference->model->header.hash;
  // The model is meant for its sensor: select it when the board has it (a later SET_SENSOR may change it).
  if (sensor < TML_SENSOR_COUNT && (d->id.sensors_available & (1u << sensor)) && d->config.sensor != sensor)
    (void)configure(d, sensor, rate_millihz);
  else if (d->config.sensor == sensor && d->config.rate_millihz != rate_millihz)
    (void)configure(d, sensor, rate_millihz);
  return tml_device_send_session(d);
}

extern "C" int tml_device_attach_detector(tml_device* d, tml_detector* detector) {
  if (!d || !detector || !d->inference || detector->classes != tml_model_class_count(d->inference->model))
    return TML_ERR_ARG;
  d->detector = detector;
  return TML_OK;
}

extern "C" int tml_device_init(tml_device* d, const tml_board_ops* ops, const tml_device_identity* id) {
  if (!d || !ops || !id || !ops->write || !ops->read_byte || !ops->sensor_configure || !ops->sensor_start ||
      !ops->sensor_stop || !ops->sensor_read)
    return TML_ERR_ARG;
  memset(d, 0, sizeof *d);
  d->ops = *ops;
  d->id = *id;
  int s = tml_frame_decoder_init(&d->rx, d->rx_buf, sizeof d->rx_buf);
  if (s < 0) return s;
  s = configure(d, id->default_sensor, 0);
  if (s < 0) return s;
  const uint8_t sync = 0x00;  // ends whatever the host's decoder holds from before a reset
  s = d->ops.write(d->ops.ctx, &sync, 1);
  if (s < 0) return s;
  return tml_device_send_session(d);
}

extern "C" int tml_device_poll(tml_device* d) {
  for (;;) {
    const int byte = d->ops.read_byte(d->ops.ctx);
    if (byte < 0) break;
    tml_frame f;
    const int r = tml_frame_decoder_push(&d->rx, static_cast<uint8_t>(byte), &f);
    if (r == TML_FRAME_READY || r == TML_FRAME_GAP) {
      int s = handle_command(d, f);
      if (s < 0) return s;
    }
    // Rejected command frames (corrupt, oversize) are dropped; the host times out and retries.
  }
  if (!d->streaming) return TML_OK;
  const size_t bytes = row_bytes(d->config);
  size_t room = d->rows_per_message - d->rows_pending;
  if (d->row_limit) {
    const uint32_t left = d->row_limit - d->next_index - d->rows_pending;
    if (room > left) room = left;
  }
  uint32_t dropped = 0;
  int got = d->ops.sensor_read(d->ops.ctx, sample_buf(d) + d->rows_pending * bytes, room, &dropped);
  if (got < 0) return got;
  if (dropped) {  // rows lost before these: send what came before, then leave a gap in the indices
    uint8_t tail[TML_SAMPLES_MAX_DATA];
    const size_t got_bytes = static_cast<size_t>(got) * bytes;
    memcpy(tail, sample_buf(d) + d->rows_pending * bytes, got_bytes);
    int s = flush_rows(d);
    if (s < 0) return s;
    d->next_index += dropped;
    memcpy(sample_buf(d), tail, got_bytes);
  }
  if (d->row_limit) {  // never more than asked for, even after a gap
    const uint32_t left = d->next_index >= d->row_limit ? 0 : d->row_limit - d->next_index - d->rows_pending;
    if (static_cast<uint32_t>(got) > left) got = static_cast<int>(left);
  }
  d->rows_pending = static_cast<uint16_t>(d->rows_pending + got);
  const bool done = d->row_limit && d->next_index + d->rows_pending >= d->row_limit;
  if (d->rows_pending < d->rows_per_message && !done) return TML_OK;
  int s = flush_rows(d);
  if (s < 0 || !done) return s;
  s = stop(d);  // the requested rows are out: stop by ourselves and say so
  if (s < 0) return s;
  return tml_device_send_session(d);
}

}  // namespace tml
