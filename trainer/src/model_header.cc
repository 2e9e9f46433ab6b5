#include "tml/trainer/model_header.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tml/detect.h"
#include "tml/inference.h"
#include "tml/trainer/blob.h"
#include "tml/trainer/error.h"
#include "tml/trainer/format.h"

namespace tml::trainer {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// A C string literal for arbitrary text: \" and \\ escaped, other bytes outside printable ASCII as \ooo,
// and a '?' after a '?' as \? so that no trigraph (??= ??/ ...) can form, whatever the compiler's mode.
std::string c_string(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\' || (c == '?' && i > 0 && s[i - 1] == '?')) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += format("\\%03o", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// A float literal that reads back as exactly the same float.
std::string c_float(float v) {
  std::string s = format("%.9gf", static_cast<double>(v));
  if (s.find_first_of(".en") == std::string::npos) s.insert(s.size() - 1, ".0");
  return s;
}

// One comment line: no "*/" or newlines can end it early.
std::string comment_text(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  size_t pos;
  while ((pos = s.find("*/")) != std::string::npos) s.replace(pos, 2, "* /");
  return s;
}

// Reads back what model_header() writes: its #defines, its arrays and its first comment lines.
class HeaderText {
 public:
  HeaderText(const std::string& text, const std::string& origin) : text_(text), origin_(origin) {}

  [[noreturn]] void fail(const std::string& why) const { throw Error(origin_ + ": " + why); }

  // The prefix of the names, from the blob array "static const uint8_t <prefix>_blob[".
  std::string prefix() const {
    const std::string key = "static const uint8_t ";
    const size_t at = text_.find(key);
    const size_t end = at == std::string::npos ? at : text_.find("_blob[", at);
    if (end == std::string::npos) fail("holds no model blob array; is it a header from tml export?");
    return text_.substr(at + key.size(), end - at - key.size());
  }

  // "#define <name> <value>": the value as a whole number (hex or decimal, "u" suffix, in parentheses).
  long long define(const std::string& name) const {
    const std::string key = "#define " + name + " ";
    const size_t at = text_.find(key);
    if (at == std::string::npos) fail("lacks " + name);
    const size_t from = at + key.size();
    std::string v = text_.substr(from, text_.find('\n', from) - from);
    if (v.size() > 2 && v.front() == '(' && v.back() == ')') v = v.substr(1, v.size() - 2);
    if (!v.empty() && v.back() == 'u') v.pop_back();
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 0);
    if (v.empty() || *end != '\0') fail(name + " is '" + v + "', not a whole number");
    return n;
  }

  bool has_define(const std::string& name) const { return text_.find("#define " + name + " ") != std::string::npos; }

  // The items of the array "<name>[...] ... = {...};", split at the commas outside string literals.
  std::vector<std::string> array(const std::string& name) const {
    const size_t at = text_.find(" " + name + "[");
    const size_t open = at == std::string::npos ? at : text_.find('{', at);
    const size_t close = open == std::string::npos ? open : text_.find("};", open);
    if (close == std::string::npos) fail("lacks the array " + name);
    std::vector<std::string> items(1);
    bool quoted = false;
    for (size_t i = open + 1; i < close; ++i) {
      const char c = text_[i];
      if (c == ',' && !quoted) {
        items.emplace_back();
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (quoted && c == '\\' && i + 1 < close) items.back() += text_[i++];
      if (quoted || !std::isspace(static_cast<unsigned char>(c))) items.back() += text_[i];
    }
    if (items.back().empty()) items.pop_back();  // a trailing comma, or no items
    return items;
  }

  // The strings of an array of string literals, unescaped.
  std::vector<std::string> strings(const std::string& name) const {
    std::vector<std::string> out;
    for (const auto& item : array(name)) out.push_back(unquote(item));
    return out;
  }

  // The text of the comment line "// <start><text><end>", or "" without one.
  std::string comment(const std::string& start, const std::string& end) const {
    const size_t at = text_.find("// " + start);
    if (at == std::string::npos) return "";
    const size_t from = at + 3 + start.size(), eol = text_.find('\n', from);
    const size_t stop = text_.rfind(end, eol);
    return stop == std::string::npos || stop < from ? "" : text_.substr(from, stop - from);
  }

 private:
  std::string unquote(const std::string& s) const {
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') fail("'" + s + "' is not a string literal");
    std::string out;
    for (size_t i = 1; i + 1 < s.size(); ++i) {
      if (s[i] != '\\') {
        out += s[i];
      } else if (s[i + 1] == '"' || s[i + 1] == '\\' || s[i + 1] == '?') {
        out += s[++i];
      } else if (i + 4 < s.size()) {
        out += static_cast<char>(std::strtol(s.substr(i + 1, 3).c_str(), nullptr, 8));
        i += 3;
      } else {
        fail("a bad escape in " + s);
      }
    }
    return out;
  }

  const std::string& text_;
  const std::string& origin_;
};

// The value heads' constants: their count, the output quantization they are read with and, per head, its
// output channel, mean and std (value = OUTPUT_SCALE * (q - OUTPUT_ZERO_POINT) * STD + MEAN, in float).
template <typename Line>
void value_defines(const Blob& b, const std::string& P, Line& line) {
  const tml_model_header& h = b.header();
  const uint32_t classes = tml_model_class_count(&b.model());
  const std::vector<std::string> names = b.value_names();
  line(format("#define %s_VALUE_COUNT %zuu", P.c_str(), names.size()));
  line(format("#define %s_OUTPUT_SCALE %s", P.c_str(), c_float(h.output_scale).c_str()));
  line(format("#define %s_OUTPUT_ZERO_POINT (%d)", P.c_str(), h.output_zero_point));
  std::vector<std::string> seen;
  const tml_head* heads = reinterpret_cast<const tml_head*>(b.data() + h.heads_offset + sizeof(tml_heads_record));
  for (size_t i = 0; i < names.size(); ++i) {
    const tml_head& hd = heads[(classes ? 1 : 0) + i];
    std::string id = upper(names[i]);
    for (char& c : id)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    if (std::find(seen.begin(), seen.end(), id) != seen.end())
      throw Error("value heads '" + names[i] + "' and another give the same C name " + id + "; rename one");
    seen.push_back(id);
    const std::string n = P + "_VALUE_" + id;
    line(format("#define %s_CHANNEL %uu  // value head \"%s\"", n.c_str(), unsigned{hd.first},
                comment_text(names[i]).c_str()));
    line(format("#define %s_MEAN %s", n.c_str(), c_float(hd.mean).c_str()));
    line(format("#define %s_STD %s", n.c_str(), c_float(hd.std).c_str()));
  }
}

}  // namespace

bool is_c_identifier(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

std::string model_header(const std::vector<uint8_t>& blob, const HeaderInfo& info) {
  if (!is_c_identifier(info.prefix)) throw Error("the header prefix must be a C identifier: '" + info.prefix + "'");
  const Blob b(blob);
  const tml_model_header& h = b.header();
  const uint32_t rows = b.stream_rows(), axes = b.stream_axes();  // the raw window with a front end
  if (info.axes.size() != axes)
    throw Error("the header names " + std::to_string(info.axes.size()) + " axes but the model has " +
                std::to_string(axes) + " input channels");
  if (info.stride_rows == 0 || info.stride_rows > rows)
    throw Error("the stride must be 1 to " + std::to_string(rows) + " rows");
  const tml_features& fe = b.model().features;
  const bool audio = fe.kind == TML_FEATURES_MFE || fe.kind == TML_FEATURES_MFCC;
  if (audio && info.stride_rows % fe.record.audio.frame_step)
    throw Error("the stride must be a multiple of the front end's hop (" +
                std::to_string(fe.record.audio.frame_step) + " samples)");
  const std::string p = info.prefix, P = upper(info.prefix);
  const double rate_hz = info.rate_millihz / 1000.0;

  std::string o;
  auto line = [&](const std::string& text) { o += text + "\n"; };
  line(format("// Generated by tml export%s%s. Do not edit: export again instead.", info.source.empty() ? "" : " from ",
              comment_text(info.source).c_str()));
  if (!info.description.empty()) line("// Model: " + comment_text(info.description) + ".");
  const uint32_t classes = tml_model_class_count(&b.model());
  const std::vector<std::string> values = b.value_names();
  line(format("// Input: %u rows x %u axes (%.3f s at %g Hz), a window every %u rows; %u classes%s.", rows, axes,
              rate_hz > 0 ? rows / rate_hz : 0.0, rate_hz, info.stride_rows, classes,
              values.empty() ? "" : format(", %zu value heads", values.size()).c_str()));
  if (fe.kind)
    line(format("// Front end: %s, network input %u x %u.",
                fe.kind == TML_FEATURES_MFCC ? "MFCC" : fe.kind == TML_FEATURES_MFE ? "MFE" : "spectral",
                h.input_time, h.input_channels));
  line(format("// Flash: %u bytes (weights and descriptor). RAM: %u bytes of arena, nothing else.", h.total_size,
              h.arena_size));
  line("// Run it with the tml firmware core: tml_model_init(&model, " + p + "_blob, " + P + "_BLOB_SIZE), then");
  line("// tml_model_prepare_input() and tml_model_run() in an arena of " + P + "_ARENA_SIZE bytes (see tml/model.h).");
  line("#ifndef " + P + "_MODEL_HEADER_");
  line("#define " + P + "_MODEL_HEADER_");
  o += "\n#include <stdint.h>\n\n";
  o += "#ifndef TML_UNUSED_\n#define TML_UNUSED_ __attribute__((unused))  // a sketch need not use every array\n#endif\n\n";
  line(format("#define %s_HASH 0x%08xu", P.c_str(), h.hash));
  line(format("#define %s_BLOB_SIZE %uu", P.c_str(), h.total_size));
  line(format("#define %s_ARENA_SIZE %uu", P.c_str(), h.arena_size));
  line(format("#define %s_SENSOR %d", P.c_str(), info.sensor));
  line(format("#define %s_SAMPLE_RATE_MILLIHZ %uu", P.c_str(), info.rate_millihz));
  line(format("#define %s_SAMPLE_RATE_HZ %s", P.c_str(), c_float(static_cast<float>(rate_hz)).c_str()));
  line(format("#define %s_WINDOW_ROWS %uu", P.c_str(), rows));
  line(format("#define %s_STRIDE_ROWS %uu", P.c_str(), info.stride_rows));
  line(format("#define %s_AXIS_COUNT %uu", P.c_str(), axes));
  line(format("#define %s_FEATURES_KIND %u", P.c_str(), fe.kind));
  line(format("#define %s_INFERENCE_BUFFER_SIZE %uu", P.c_str(),
              static_cast<unsigned>(tml_inference_buffer_size(&b.model()))));
  if (info.detect_average < 1 || info.detect_average > TML_DETECT_MAX_AVERAGE || info.detect_threshold < 1 ||
      info.detect_threshold > 255)
    throw Error("the detector averages 1 to " + std::to_string(TML_DETECT_MAX_AVERAGE) +
                " windows and its threshold is 1 to 255");
  line(format("#define %s_DETECT_AVERAGE %uu", P.c_str(), info.detect_average));
  line(format("#define %s_DETECT_THRESHOLD %uu", P.c_str(), info.detect_threshold));
  line(format("#define %s_DETECT_SUPPRESSION_ROWS %uu", P.c_str(), info.detect_suppression));
  line(format("#define %s_DETECT_IGNORE 0x%xu", P.c_str(), info.detect_ignore));
  line(format("#define %s_CLASS_COUNT %uu", P.c_str(), classes));
  line(format("#define %s_INPUT_SCALE %s", P.c_str(), c_float(h.input_scale).c_str()));
  line(format("#define %s_INPUT_ZERO_POINT (%d)", P.c_str(), h.input_zero_point));
  if (!values.empty()) value_defines(b, P, line);
  o += "\n";

  auto string_array = [&](const char* name, const std::vector<std::string>& items) {
    o += "static const char* const " + p + "_" + name + "[" + std::to_string(items.size()) + "] TML_UNUSED_ = {";
    for (size_t i = 0; i < items.size(); ++i) o += (i ? ", " : "") + c_string(items[i]);
    o += "};\n";
  };
  std::vector<std::string> labels = b.labels();
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i].empty()) labels[i] = "class" + std::to_string(i);
  string_array("labels", labels);
  if (!values.empty()) string_array("value_names", values);
  string_array("axes", info.axes);
  std::vector<std::string> units = info.units;
  units.resize(info.axes.size());
  string_array("units", units);
  if (h.norm_offset) {
    const float* norm = reinterpret_cast<const float*>(b.data() + h.norm_offset);
    for (const char* name : {"mean", "inv_std"}) {
      o += "static const float " + p + "_" + name + "[" + std::to_string(h.input_channels) + "] TML_UNUSED_ = {";
      for (uint32_t c = 0; c < h.input_channels; ++c) o += (c ? ", " : "") + c_float(*norm++);
      o += "};\n";
    }
  }
  o += "\nstatic const uint8_t " + p + "_blob[" + std::to_string(blob.size()) +
       "] __attribute__((aligned(16))) TML_UNUSED_ = {";
  for (size_t i = 0; i < blob.size(); ++i) o += (i % 16 == 0 ? "\n    " : " ") + format("0x%02x,", blob[i]);
  o += "\n};\n\n";
  line("#endif  // " + P + "_MODEL_HEADER_");
  return o;
}

ExportedHeader parse_model_header(const std::string& text, const std::string& origin) {
  const HeaderText t(text, origin);
  ExportedHeader out;
  HeaderInfo& info = out.info;
  info.prefix = t.prefix();
  const std::string p = info.prefix, P = upper(p);
  info.source = t.comment("Generated by tml export from ", ". Do not edit: export again instead.");
  info.description = t.comment("Model: ", ".");
  info.sensor = static_cast<int>(t.define(P + "_SENSOR"));
  info.rate_millihz = static_cast<uint32_t>(t.define(P + "_SAMPLE_RATE_MILLIHZ"));
  info.stride_rows = static_cast<uint32_t>(t.define(P + "_STRIDE_ROWS"));
  info.axes = t.strings(p + "_axes");
  info.units = t.strings(p + "_units");
  if (t.has_define(P + "_DETECT_AVERAGE")) {  // headers since the detector
    info.detect_average = static_cast<uint32_t>(t.define(P + "_DETECT_AVERAGE"));
    info.detect_threshold = static_cast<uint32_t>(t.define(P + "_DETECT_THRESHOLD"));
    info.detect_suppression = static_cast<uint32_t>(t.define(P + "_DETECT_SUPPRESSION_ROWS"));
    info.detect_ignore = static_cast<uint32_t>(t.define(P + "_DETECT_IGNORE"));
  }
  for (const auto& byte : t.array(p + "_blob")) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(byte.c_str(), &end, 0);
    if (byte.empty() || *end != '\0' || v > 255) t.fail("the blob array holds '" + byte + "', not a byte");
    out.blob.push_back(static_cast<uint8_t>(v));
  }
  const uint32_t blob_size = static_cast<uint32_t>(t.define(P + "_BLOB_SIZE"));
  if (out.blob.size() != blob_size)
    t.fail("the blob holds " + std::to_string(out.blob.size()) + " bytes, " + P + "_BLOB_SIZE says " +
           std::to_string(blob_size));
  const Blob b(out.blob);
  const tml_model_header& h = b.header();
  out.hash = h.hash;
  out.arena_size = h.arena_size;
  out.window_rows = b.stream_rows();
  out.axis_count = b.stream_axes();
  out.class_count = tml_model_class_count(&b.model());
  out.labels = t.strings(p + "_labels");
  if (t.has_define(P + "_VALUE_COUNT")) out.value_names = t.strings(p + "_value_names");
  // What the #defines and arrays say must be what the blob says.
  auto agree = [&](const std::string& name, long long header, long long from_blob) {
    if (header != from_blob)
      t.fail(P + "_" + name + " is " + std::to_string(header) + " but the blob says " + std::to_string(from_blob));
  };
  agree("HASH", t.define(P + "_HASH"), h.hash);
  agree("ARENA_SIZE", t.define(P + "_ARENA_SIZE"), h.arena_size);
  agree("WINDOW_ROWS", t.define(P + "_WINDOW_ROWS"), b.stream_rows());
  agree("AXIS_COUNT", t.define(P + "_AXIS_COUNT"), b.stream_axes());
  agree("CLASS_COUNT", t.define(P + "_CLASS_COUNT"), out.class_count);
  agree("axes", static_cast<long long>(info.axes.size()), b.stream_axes());
  agree("labels", static_cast<long long>(out.labels.size()), out.class_count);
  agree("value_names", static_cast<long long>(out.value_names.size()), tml_model_value_count(&b.model()));
  if (out.value_names != b.value_names()) t.fail("the value head names are not the blob's");
  return out;
}

}  // namespace tml::trainer
