// Edge Impulse data acquisition JSON: parsing, writing, folder import with and without info.labels,
// and exact round trips on the example gestures.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "dataset/csv_text.h"
#include "dataset_test_util.h"
#include "formats/ei_json.h"
#include "formats/transfer.h"
#include "test_support.h"
#include "util/atomic_file.h"

namespace fs = std::filesystem;
using namespace tml::dataset;
using tml::test::bits_equal;
using tml::test::error_of;
using tml::test::TempDir;
using tml::test::write_text;

namespace {

const char* const kSmall =
    R"({"protected":{"ver":"v1","alg":"HS256","iat":1758902163},"signature":"ab",)"
    R"("payload":{"device_name":"03:72:69:C7","device_type":"DATA_FORWARDER","interval_ms":9.615384615384615,)"
    R"("sensors":[{"name":"accx","units":"m/s2"},{"name":"accy","units":"m/s2"}],"values":[[0.5786,-1.9986],[0,1e-7]]}})";

std::string ei_file(const std::string& values, const std::string& sensors = R"([{"name":"x","units":"g"}])",
                    const std::string& interval = "10") {
  return R"({"protected":{"ver":"v1","alg":"none","iat":1},"signature":"0","payload":{"device_name":"d","device_type":"t",)"
         R"("interval_ms":)" + interval + R"(,"sensors":)" + sensors + R"(,"values":)" + values + "}}";
}

// The values text of an EI file: everything from "values": on.
std::string values_text(const std::string& file) { return file.substr(file.find("\"values\":")); }

// Every sample of an EI export folder, by info.labels name: {label, category, parsed file}.
struct EiEntry {
  std::string label, category;
  EiSample sample;
  std::string text;
};
std::map<std::string, EiEntry> read_export(const fs::path& folder) {
  std::map<std::string, EiEntry> out;
  auto j = nlohmann::json::parse(tml::read_file(folder / "info.labels"));
  for (const auto& f : j["files"]) {
    const fs::path p = folder / f["path"].get<std::string>();
    EiEntry e;
    e.label = f["label"]["label"];
    e.category = f["category"];
    e.text = tml::read_file(p);
    e.sample = parse_ei_json(e.text, p.string());
    out[f["name"].get<std::string>()] = std::move(e);
  }
  return out;
}

void check_gestures(const ImportSet& set) {
  CHECK(set.meta.rate_hz == 104.0);
  CHECK(set.meta.axes == std::vector<Axis>{{"accx", "m/s2"}, {"accy", "m/s2"}, {"accz", "m/s2"}});
  CHECK(set.meta.sensor == "accelerometer");
  std::map<std::string, std::pair<int, int>> per_label;
  for (const auto& s : set.samples) {
    CHECK(s.values.size() == 1040 * 3);
    (s.split == "train" ? per_label[s.label].first : per_label[s.label].second)++;
  }
  CHECK(per_label.size() == 4);
  for (const auto& [label, counts] : per_label) {
    INFO(label);
    CHECK(counts.first == 18);
    CHECK(counts.second == 6);
  }
  CHECK(set.samples.size() == 96);
}

}  // namespace

TEST_CASE("an EI file parses with exact float32 values", "[ei]") {
  EiSample s = parse_ei_json(kSmall, "x.json");
  CHECK(s.device_name == "03:72:69:C7");
  CHECK(s.device_type == "DATA_FORWARDER");
  CHECK(s.interval_ms == 9.615384615384615);
  CHECK(s.sensors == std::vector<Axis>{{"accx", "m/s2"}, {"accy", "m/s2"}});
  CHECK(bits_equal(s.values, {0.5786f, -1.9986f, 0.0f, 1e-7f}));
  REQUIRE(s.iat);
  CHECK(*s.iat == 1758902163);
  CHECK(rate_from_interval_s(s.interval_ms / 1000) == 104.0);
}

TEST_CASE("one-sensor values may be a flat list", "[ei]") {
  EiSample s = parse_ei_json(ei_file("[1,2,-3]"), "a.json");
  CHECK(bits_equal(s.values, {1, 2, -3}));
  EiSample nested = parse_ei_json(ei_file("[[1],[2],[-3]]"), "a.json");
  CHECK(bits_equal(nested.values, {1, 2, -3}));
  // Written back flat, as Edge Impulse writes audio.
  CHECK(values_text(format_ei_json(s, 1)) == "\"values\":[1,2,-3]}}");
}

TEST_CASE("negative zero survives writing and reading an EI file", "[ei]") {
  // Found by fuzzing: -0 was written "-0", a JSON integer, read back as +0.
  EiSample s = parse_ei_json(kSmall, "x.json");
  s.values = {-0.0f, 0.0f, -1e-45f, 1.0f};
  const EiSample back = parse_ei_json(format_ei_json(s, 1), "again.json");
  REQUIRE(back.values.size() == 4);
  CHECK(std::signbit(back.values[0]));
  CHECK_FALSE(std::signbit(back.values[1]));
  CHECK(back.values[2] == -1e-45f);
  CHECK(values_text(format_ei_json(s, 1)) == "\"values\":[[-0.0,0],[-1e-45,1]]}}");
}

TEST_CASE("format_ei_json writes the data acquisition layout", "[ei]") {
  EiSample s = parse_ei_json(kSmall, "x.json");
  CHECK(format_ei_json(s, 1758902163) ==
        R"({"protected":{"ver":"v1","alg":"none","iat":1758902163},"signature":")" + std::string(64, '0') +
            R"(","payload":{"device_name":"03:72:69:C7","device_type":"DATA_FORWARDER","interval_ms":9.615384615384615,)"
            R"("sensors":[{"name":"accx","units":"m/s2"},{"name":"accy","units":"m/s2"}],"values":[[0.5786,-1.9986],[0,1e-7]]}})");
}

TEST_CASE("malformed EI files are refused with the file named", "[ei]") {
  struct Case {
    std::string text;
    const char* why;
  };
  const Case cases[] = {
      {"{\"payload\":", "not valid JSON"},
      {"", "not valid JSON"},
      {"[1,2]", "no \"payload\" object"},
      {ei_file("[[1],[2,3]]"), "row 2 has 2 values; row 1 has 1"},
      {ei_file("[[1],[\"a\"]]"), "row 2: \"a\" is not a number"},
      {ei_file("[[1],[null]]"), "null is not a number"},
      {ei_file("[]"), "payload.values is empty"},
      {ei_file("[[]]"), "row 1 is empty"},
      {ei_file("[[1],[1e39]]"), "outside the float32 range"},
      {ei_file("[[1],2]"), "mixes numbers and rows"},
      {ei_file("[[[1]]]"), "not lists"},
      {ei_file("[[1,2]]"), "rows have 2 values but payload.sensors names 1"},
      {ei_file("[[1]]", "[]"), "no \"sensors\" list"},
      {ei_file("[[1]]", R"([{"units":"g"}])"), "needs a \"name\""},
      {ei_file("[[1]]", R"([{"name":"x"}])", "0"), "interval_ms must be a positive"},
      {ei_file("[[1]]", R"([{"name":"x"}])", "\"10\""), "numeric \"interval_ms\""},
      {ei_file("[[NaN]]"), "not valid JSON"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    const std::string msg = error_of([&] { parse_ei_json(c.text, "dir/bad.json"); });
    CHECK(msg.rfind("dir/bad.json: ", 0) == 0);
    CHECK(msg.find(c.why) != std::string::npos);
  }
}

TEST_CASE("the shipped gestures import as 4 labels 72 train and 24 test samples", "[ei]") {
  const ImportSet set = read_import(tml::test::example_gestures(), {});
  CHECK(set.format == Format::ei);
  check_gestures(set);
  const auto& first = set.samples.front();
  CHECK(first.id == "idle.65vvqk2v");
  CHECK(first.device == "DATA_FORWARDER 03:72:69:C7");
  CHECK(first.created == "2025-09-26T15:45:04Z");
}

TEST_CASE("the upstream gestures folder imports the same", "[ei]") {
  if (!fs::exists(tml::test::shared_gestures())) {
    WARN("skipped: " << tml::test::shared_gestures() << " is not on this machine");
    return;
  }
  check_gestures(read_import(tml::test::shared_gestures(), {}));
}

TEST_CASE("import then export gives back the original files' values and export then import the same floats",
          "[ei]") {
  TempDir tmp;
  const ImportSet set = read_import(tml::test::example_gestures(), {});
  import_into(tmp / "ds", set);
  const Dataset d = Dataset::open(tmp / "ds");
  export_dataset(d, Format::ei, tmp / "out");

  const auto original = read_export(tml::test::example_gestures());
  const auto exported = read_export(tmp / "out");
  REQUIRE(exported.size() == 96);
  for (const auto& [name, o] : original) {
    INFO(name);
    REQUIRE(exported.count(name));
    const auto& e = exported.at(name);
    CHECK(e.label == o.label);
    CHECK(e.category == o.category);
    CHECK(bits_equal(e.sample.values, o.sample.values));
    CHECK(e.sample.interval_ms == o.sample.interval_ms);
    CHECK(e.sample.sensors == o.sample.sensors);
    CHECK(e.sample.device_name == o.sample.device_name);
    CHECK(e.sample.device_type == o.sample.device_type);
    CHECK(e.sample.iat == o.sample.iat);
    // The very numbers of the original text, character for character.
    CHECK(values_text(e.text) == values_text(o.text));
  }

  // Export -> import: every float comes back bit for bit, with the same ids, labels and splits.
  import_into(tmp / "again", read_import(tmp / "out", {}));
  const Dataset again = Dataset::open(tmp / "again");
  REQUIRE(again.samples().size() == d.samples().size());
  std::map<std::string, SampleInfo> by_id;
  for (const auto& s : again.samples()) by_id[s.id] = s;
  for (const auto& s : d.samples()) {
    INFO(s.id);
    REQUIRE(by_id.count(s.id));
    const auto& t = by_id.at(s.id);
    CHECK(t.label == s.label);
    CHECK(t.split == s.split);
    CHECK(t.created == s.created);
    CHECK(bits_equal(again.load(t).values, d.load(s).values));
  }
  CHECK(again.meta().rate_hz == 104.0);
}

TEST_CASE("EI files without info.labels: label from the name split from the folder", "[ei]") {
  TempDir tmp;
  const fs::path src = tmp / "src";
  const std::string one = ei_file("[[1],[2]]");
  write_text(src / "training" / "circle.json.abc.ingestion-1.json", one);
  write_text(src / "testing" / "flick.json.def.ingestion-2.json", one);
  write_text(src / "idle.xyz.json", one);
  write_text(src / "notes.txt", "ignored");
  ImportSet set = read_import(src, {});
  REQUIRE(set.samples.size() == 3);
  std::map<std::string, PendingSample> by_id;
  for (auto& s : set.samples) by_id[s.id] = s;
  REQUIRE(by_id.count("circle.abc"));
  CHECK(by_id["circle.abc"].label == "circle");
  CHECK(by_id["circle.abc"].split == "train");
  CHECK(by_id["flick.def"].split == "test");
  CHECK(by_id["idle.xyz"].label == "idle");
  CHECK(by_id["idle.xyz"].split == "");  // hash split, by the store
  CHECK(set.meta.rate_hz == 100);
  CHECK(set.meta.sensor == "imported");

  // One file on its own: its folder still gives the split.
  ImportSet single = read_import(src / "testing" / "flick.json.def.ingestion-2.json", {});
  REQUIRE(single.samples.size() == 1);
  CHECK(single.samples[0].label == "flick");
  CHECK(single.samples[0].split == "test");

  // --label and --split override.
  ImportOptions opt;
  opt.label = "wave";
  opt.split = "test";
  for (const auto& s : read_import(src, opt).samples) {
    CHECK(s.label == "wave");
    CHECK(s.split == "test");
  }
}

TEST_CASE("bad EI folders are refused before anything is written", "[ei]") {
  TempDir tmp;
  const fs::path src = tmp / "src";
  const std::string good = ei_file("[[1],[2]]");
  write_text(src / "training" / "a.json.1.x.json", good);
  write_text(src / "training" / "b.json.2.x.json", good);
  auto labels = [&](const std::string& files) { write_text(src / "info.labels", R"({"version":1,"files":[)" + files + "]}"); };
  const std::string a = R"({"path":"training/a.json.1.x.json","name":"a.1","category":"training","label":{"type":"label","label":"a"}})";

  labels(a + R"(,{"path":"training/gone.json","name":"g.1","category":"training","label":{"type":"label","label":"g"}})");
  CHECK(error_of([&] { read_import(src, {}); }).find("names training/gone.json, which is missing") != std::string::npos);

  labels(R"({"path":"../x.json","name":"x","category":"training","label":{"type":"label","label":"x"}})");
  CHECK(error_of([&] { read_import(src, {}); }).find("must be inside") != std::string::npos);

  labels(R"({"path":"training/a.json.1.x.json","name":"a.1","category":"anomaly","label":{"type":"label","label":"a"}})");
  CHECK(error_of([&] { read_import(src, {}); }).find("category 'anomaly'") != std::string::npos);

  labels(R"({"path":"training/a.json.1.x.json","name":"a.1","category":"training","label":{"type":"unlabeled"}})");
  CHECK(error_of([&] { read_import(src, {}); }).find("no label; give one with --label") != std::string::npos);

  labels(R"({"path":"training/a.json.1.x.json","name":"a.1","category":"training","label":{"type":"label","label":"../a"}})");
  CHECK(error_of([&] { read_import(src, {}); }).find("path separator") != std::string::npos);

  labels(a + "," + a);
  CHECK(error_of([&] { read_import(src, {}); }).find("both give sample id 'a.1'") != std::string::npos);

  write_text(src / "info.labels", "{\"version\":1,");
  CHECK(error_of([&] { read_import(src, {}); }).find("info.labels is not valid JSON") != std::string::npos);

  fs::remove(src / "info.labels");
  write_text(src / "training" / "b.json.2.x.json", ei_file("[[1],[2]]", R"([{"name":"y","units":"g"}])"));
  CHECK(error_of([&] { read_import(src, {}); }).find("sensors y (g) differ from x (g)") != std::string::npos);
  write_text(src / "training" / "b.json.2.x.json", ei_file("[[1],[2]]", R"([{"name":"x","units":"g"}])", "20"));
  CHECK(error_of([&] { read_import(src, {}); }).find("gives 50 Hz, but") != std::string::npos);
  write_text(src / "training" / "b.json.2.x.json", "{oops");
  CHECK(error_of([&] { read_import(src, {}); }).find("b.json.2.x.json: not valid JSON") != std::string::npos);
}
