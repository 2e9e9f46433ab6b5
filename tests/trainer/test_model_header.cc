// The exported model header: the constants a sketch needs, the blob byte for byte, and warning-free
// compilation as C and C++ with the host compiler and arm-none-eabi-gcc.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "reference_models.h"
#include "run_programs.h"
#include "tml/model.h"
#include "tml/trainer/error.h"
#include "tml/trainer/model_header.h"

using namespace tml::trainer;

namespace {

HeaderInfo gesture_info() {
  HeaderInfo info;
  info.source = "gestures.q.model";
  info.description = "conv1d reference model";
  info.sensor = 1;
  info.rate_millihz = 104000;
  info.stride_rows = 52;
  info.axes = {"accx", "accy", "accz"};
  info.units = {"m/s2", "m/s2", "m/s2"};
  return info;
}

void write(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

}  // namespace

TEST_CASE("the header carries the blob and the constants a sketch needs", "[header]") {
  const auto blob = write_model_blob(tml::test::conv1d_model(7));
  const std::string h = model_header(blob, gesture_info());
  tml_model m;
  REQUIRE(tml_model_init(&m, blob.data(), blob.size()) == TML_OK);
  char hash[64];
  std::snprintf(hash, sizeof hash, "#define TML_MODEL_HASH 0x%08xu", m.header.hash);
  CHECK(h.find(hash) != std::string::npos);
  CHECK(h.find("#define TML_MODEL_ARENA_SIZE " + std::to_string(m.header.arena_size) + "u") != std::string::npos);
  CHECK(h.find("#define TML_MODEL_BLOB_SIZE " + std::to_string(blob.size()) + "u") != std::string::npos);
  CHECK(h.find("#define TML_MODEL_WINDOW_ROWS 208u") != std::string::npos);
  CHECK(h.find("#define TML_MODEL_STRIDE_ROWS 52u") != std::string::npos);
  CHECK(h.find("#define TML_MODEL_SAMPLE_RATE_MILLIHZ 104000u") != std::string::npos);
  CHECK(h.find("#define TML_MODEL_SAMPLE_RATE_HZ 104.0f") != std::string::npos);
  CHECK(h.find("#define TML_MODEL_CLASS_COUNT 4u") != std::string::npos);
  CHECK(h.find("tml_model_labels[4] TML_UNUSED_ = {\"idle\", \"snake\", \"updown\", \"wave\"}") != std::string::npos);
  CHECK(h.find("tml_model_mean[3] TML_UNUSED_ = {0.100000001f, -9.69999981f, 0.400000006f}") != std::string::npos);

  HeaderInfo other = gesture_info();
  other.prefix = "gestures";
  const std::string g = model_header(blob, other);
  CHECK(g.find("#define GESTURES_ARENA_SIZE") != std::string::npos);
  CHECK(g.find("static const uint8_t gestures_blob[") != std::string::npos);
}

TEST_CASE("a header reads back as the blob and the settings it was written from", "[header]") {
  for (const char* prefix : {"tml_model", "gestures"}) {
    INFO(prefix);
    const auto blob = write_model_blob(tml::test::conv1d_model(7));
    HeaderInfo info = gesture_info();
    info.prefix = prefix;
    info.axes = {"acc x", "ac\"c\\y", "z\xc3\xa7"};  // quotes, backslashes and UTF-8 survive the C literals
    info.units = {"m/s2", "", "g"};
    const ExportedHeader h = parse_model_header(model_header(blob, info), "model.h");
    CHECK(h.blob == blob);
    CHECK(h.info.prefix == info.prefix);
    CHECK(h.info.source == info.source);
    CHECK(h.info.description == info.description);
    CHECK(h.info.sensor == info.sensor);
    CHECK(h.info.rate_millihz == info.rate_millihz);
    CHECK(h.info.stride_rows == info.stride_rows);
    CHECK(h.info.axes == info.axes);
    CHECK(h.info.units == info.units);
    tml_model m;
    REQUIRE(tml_model_init(&m, blob.data(), blob.size()) == TML_OK);
    CHECK(h.hash == m.header.hash);
    CHECK(h.arena_size == m.header.arena_size);
    CHECK(h.window_rows == 208);
    CHECK(h.axis_count == 3);
    CHECK(h.class_count == 4);
    CHECK(h.labels == std::vector<std::string>{"idle", "snake", "updown", "wave"});
  }
}

TEST_CASE("a header that is not what tml export wrote is refused when read back", "[header]") {
  const auto blob = write_model_blob(tml::test::conv1d_model(7));
  const std::string h = model_header(blob, gesture_info());
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string t = h;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  CHECK_THROWS_WITH(parse_model_header("int x;", "a.h"), Catch::Contains("a.h: holds no model blob array"));
  CHECK_THROWS_WITH(parse_model_header(replaced("#define TML_MODEL_SENSOR", "#define TML_MODEL_SENSE"), "a.h"),
                    Catch::Contains("lacks TML_MODEL_SENSOR"));
  CHECK_THROWS_WITH(parse_model_header(replaced("#define TML_MODEL_ARENA_SIZE ", "#define TML_MODEL_ARENA_SIZE 1"), "a.h"),
                    Catch::Contains("TML_MODEL_ARENA_SIZE is 1"));
  CHECK_THROWS_WITH(parse_model_header(replaced("0x54,", "0x55,"), "a.h"), Catch::Contains("blob is invalid"));
  CHECK_THROWS_WITH(parse_model_header(replaced("0x54,", ""), "a.h"), Catch::Contains("TML_MODEL_BLOB_SIZE says"));
}

TEST_CASE("bad header requests are refused", "[header]") {
  const auto blob = write_model_blob(tml::test::dense_model(3));
  HeaderInfo info = gesture_info();
  info.prefix = "9lives";
  CHECK_THROWS_AS(model_header(blob, info), tml::Error);
  info = gesture_info();
  info.axes = {"x"};
  CHECK_THROWS_WITH(model_header(blob, info), Catch::Contains("1 axes but the model has 3"));
  info = gesture_info();
  info.stride_rows = 500;
  CHECK_THROWS_AS(model_header(blob, info), tml::Error);
  auto bad = blob;
  bad[100] ^= 1;
  CHECK_THROWS_WITH(model_header(bad, gesture_info()), Catch::Contains("invalid"));
}

TEST_CASE("the header compiles warning-free and runs as C and C++ on host and Cortex-M4", "[header][slow]") {
  tml::test::TempDir dir;
  const auto blob = write_model_blob(tml::test::conv1d_model(11));
  write(dir / "model.h", model_header(blob, gesture_info()));
  const std::string inc = "-I" + (tml::test::source_dir() / "firmware" / "include").string();
  // A sketch that uses only the blob and the sizes.
  write(dir / "use.c",
        "#include \"model.h\"\n#include \"tml/model.h\"\n#include <stdio.h>\n"
        "static uint8_t arena[TML_MODEL_ARENA_SIZE] __attribute__((aligned(16)));\n"
        "int main(void) { tml_model m; int s = tml_model_init(&m, tml_model_blob, TML_MODEL_BLOB_SIZE);\n"
        "  if (s || tml_model_arena_size(&m) != sizeof arena) return 1;\n"
        "  printf(\"%08x\\n\", (unsigned)m.header.hash); return 0; }\n");
  write(dir / "use.cc", "#include \"model.h\"\nint main() { return tml_model_blob[0] == 'T' ? 0 : 1; }\n");
  const std::vector<std::string> flags = {"-Wall", "-Wextra", "-Werror", inc, "-c"};
  auto compile = [&](const std::string& cc, const std::string& src, std::vector<std::string> extra) {
    std::vector<std::string> argv = {cc};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back((dir / src).string());
    argv.push_back("-o");
    argv.push_back((dir / (src + "." + cc + ".o")).string());
    auto r = tml::test::run(argv, 120);
    INFO(cc << " " << src << ": " << r.err);
    CHECK(r.exit_code == 0);
  };
  const std::vector<std::string> m4 = {"-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"};
  compile("gcc", "use.c", {"-std=c11"});
  compile("g++", "use.cc", {"-std=c++17"});
  compile("arm-none-eabi-gcc", "use.c", m4);
  compile("arm-none-eabi-g++", "use.cc", m4);

  // And the host program links against the firmware core and reads the blob back.
  auto link = tml::test::run({"g++", (dir / "use.c.gcc.o").string(),
                              tml::test::core_library().string(), "-o",
                              (dir / "use").string()});
  INFO(link.err);
  REQUIRE(link.exit_code == 0);
  auto out = tml::test::run({(dir / "use").string()});
  REQUIRE(out.exit_code == 0);
  tml_model m;
  REQUIRE(tml_model_init(&m, blob.data(), blob.size()) == TML_OK);
  char hash[16];
  std::snprintf(hash, sizeof hash, "%08x\n", m.header.hash);
  CHECK(out.out == hash);
}

TEST_CASE("text that C would read as trigraphs stays text in the header", "[header]") {
  const auto blob = write_model_blob(tml::test::conv1d_model(7));
  HeaderInfo info = gesture_info();
  info.axes = {"what?\?=", "a?\?/", "?\?)?\?(?\?!"};  // legal axis names and labels; ??/ would be a backslash
  const std::string text = model_header(blob, info);
  CHECK(text.find("\"what?\\?=\"") != std::string::npos);
  CHECK(parse_model_header(text, "model.h").info.axes == info.axes);

  // Compiled where trigraphs are on (-std=c11) and where GCC only warns of them (-std=gnu11): both
  // warning-free, and the program prints the names as they were given.
  tml::test::TempDir dir;
  write(dir / "model.h", text);
  write(dir / "axes.c",
        "#include \"model.h\"\n#include <stdio.h>\n"
        "int main(void) { for (int i = 0; i < 3; ++i) printf(\"%s\\n\", tml_model_axes[i]); return 0; }\n");
  const std::string inc = "-I" + (tml::test::source_dir() / "firmware" / "include").string();
  for (const char* std : {"-std=c11", "-std=gnu11"}) {
    const auto exe = dir / (std::string("axes") + std);
    auto c = tml::test::run({"gcc", std, "-Wall", "-Wextra", "-Werror", "-Wtrigraphs", inc, (dir / "axes.c").string(),
                             "-o", exe.string()},
                            120);
    INFO(std << ": " << c.err);
    REQUIRE(c.exit_code == 0);
    auto r = tml::test::run({exe.string()});
    CHECK(r.out == "what?\?=\na?\?/\n?\?)?\?(?\?!\n");
  }
}
