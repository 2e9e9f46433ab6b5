#include "capture/capture.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>
#include <algorithm>
#include <limits>

#include "tml/trainer/error.h"

namespace tml::capture {

using Clock = std::chrono::steady_clock;

Figures& Figures::operator+=(const Figures& o) {
  rows += o.rows;
  frames += o.frames;
  lost_frames += o.lost_frames;
  lost_rows += o.lost_rows;
  crc_errors += o.crc_errors;
  rejected += o.rejected;
  bytes += o.bytes;
  seconds += o.seconds;
  return *this;
}

std::string Figures::summary() const {
  return std::to_string(rows) + " rows  " + std::to_string(frames) + " frames  lost " + std::to_string(lost_frames) +
         " frames / " + std::to_string(lost_rows) + " rows  crc errors " + std::to_string(crc_errors) +
         "  rejected " + std::to_string(rejected);
}

dataset::Meta meta_from_session(const link::Session& s) {
  dataset::Meta m;
  m.sensor = tml_sensor_name(static_cast<uint8_t>(s.sensor));
  m.axes = s.axes;
  m.rate_hz = s.rate_hz();
  m.sample_format = s.format_name();
  return m;
}

Recording record_framed(link::BoardLink& link, size_t rows, int stall_ms, const Progress& progress) {
  if (!link.session()) throw Error("no session with the board yet");
  const link::Session session = *link.session();
  const size_t axes = session.axes.size();
  const tml_frame_stats before = link.stats();
  const uint64_t bytes_before = link.bytes_received();
  const auto t0 = Clock::now();

  Recording rec;
  rec.values.reserve(rows * axes);
  auto figures = [&] {
    const tml_frame_stats& s = link.stats();
    Figures f = rec.figures;
    f.frames = s.frames - before.frames;
    f.lost_frames = s.lost - before.lost;
    f.crc_errors = s.crc_errors - before.crc_errors;
    f.rejected = (s.format_errors - before.format_errors) + (s.oversize - before.oversize);
    f.bytes = link.bytes_received() - bytes_before;
    f.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return f;
  };

  tml_msg_start start{};
  start.rows = static_cast<uint32_t>(rows);
  start.flags = TML_START_SAMPLES;
  // START is not waited for as a command: the stream is on once its ACK or its first rows arrive. When
  // neither comes (the command or its answer lost), START is sent again; a board that did take an
  // earlier START answers the repeat with TML_ERR_STATE and goes on streaming.
  constexpr int kStartTries = 3;
  const int answer_ms = std::min(stall_ms, 1000);
  int tries = 1;
  link.send(TML_MSG_START, &start, sizeof start);
  bool started = false;   // the board took START
  size_t next_index = 0;  // rows accounted for (received or known lost)
  bool ended = false;     // the board said it stopped
  while (!ended) {
    // Once every row is in, only the closing session header is missing: it is not waited for long.
    const bool all_in = next_index >= rows;
    auto m = link.receive(started && !all_in ? stall_ms : answer_ms);
    if (!m) {
      if (!started) {
        if (tries == kStartTries)
          throw Error("the board did not answer START (" + std::to_string(tries) + " tries, " +
                      std::to_string(answer_ms) + " ms each, " + link.transport().name() + ")");
        spdlog::warn("no answer to START within {} ms; asking again", answer_ms);
        link.send(TML_MSG_START, &start, sizeof start);
        ++tries;
        continue;
      }
      if (!all_in) {
        spdlog::warn("the board sent nothing for {} ms after {} of {} rows; the rest of the sample is lost", stall_ms,
                     next_index, rows);
        // A board still streaming is stopped before the next sample, asked again while the link is still
        // held up (before: after one unanswered STOP the next sample started on a stream that was not
        // confirmed stopped, and rows of this one began it, so one stall cost two samples).
        for (int stop_try = 1;; ++stop_try) {
          try {
            link.command(TML_MSG_STOP, nullptr, 0, answer_ms);
            break;
          } catch (const link::Refused&) {
            throw;
          } catch (const Error&) {
            if (stop_try == kStartTries)
              throw Error("the board did not confirm STOP after a sample was given up (" + std::to_string(stop_try) +
                          " tries, " + std::to_string(answer_ms) + " ms each, " + link.transport().name() + ")");
            spdlog::warn("no answer to STOP within {} ms; asking again", answer_ms);
          }
        }
        // Rows held up with the STOP (a stalled link) arrive before its ACK and wait in the link's queue:
        // they belong to this sample, given up, and must not start the next one (before: they did, and
        // cost it too). Once the board confirmed STOP nothing more of it comes, so the queue is all.
        size_t late = 0;
        while (auto q = link.receive(0)) late += q->type == TML_MSG_SAMPLES;
        if (late) spdlog::warn("{} frame(s) of this sample's rows arrived after it was given up; ignored", late);
      }
      break;
    }
    switch (m->type) {
      case TML_MSG_ACK: {
        const auto a = link::parse_ack(*m);
        if (!a || a->command_type != TML_MSG_START) break;
        if (a->status == TML_OK || a->status == TML_ERR_STATE)  // STATE: an earlier START of this sample is running
          started = true;
        else
          throw link::Refused(std::string("the board refused START: ") + tml_status_str(a->status));
        break;
      }
      case TML_MSG_SAMPLES: {
        started = true;
        link::SampleBatch b = link::parse_samples(*m, session);
        if (b.first_index < next_index) {  // a duplicate or a restarted stream: never stored twice
          spdlog::warn("board re-sent rows from index {} (expected {}); ignored", b.first_index, next_index);
          break;
        }
        if (b.first_index > next_index) {  // rows lost in frames that never arrived
          const size_t gap = std::min<size_t>(b.first_index, rows) - next_index;
          rec.figures.lost_rows += gap;
          rec.values.insert(rec.values.end(), gap * axes, std::numeric_limits<float>::quiet_NaN());
          next_index += gap;
        }
        const size_t take = std::min<size_t>(b.count, rows - std::min(rows, next_index));
        rec.values.insert(rec.values.end(), b.values.begin(), b.values.begin() + static_cast<long>(take * axes));
        next_index += take;
        rec.figures.rows += take;
        if (progress) progress(next_index, rows, figures());
        break;
      }
      case TML_MSG_SESSION:
        if (started && !link::parse_session(m->payload.data(), m->payload.size()).streaming) ended = true;
        break;
      case TML_MSG_LOG:
        spdlog::info("board: {}", std::string(m->payload.begin(), m->payload.end()));
        break;
      default:
        break;
    }
  }
  if (next_index < rows) {  // the stream ended short: the tail was lost
    rec.figures.lost_rows += rows - next_index;
    rec.values.insert(rec.values.end(), (rows - next_index) * axes, std::numeric_limits<float>::quiet_NaN());
  }
  rec.rows = rows;
  rec.figures = figures();
  if (progress) progress(rows, rows, rec.figures);
  return rec;
}

}  // namespace tml::capture
