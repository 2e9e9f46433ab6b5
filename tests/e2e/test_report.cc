// tml report, rendered for real: headless Chromium loads the HTML file offline, the screenshot must show
// the page (not a blank one) and the DOM must hold every section and chart.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "png.h"
#include "run_programs.h"
#include "util/atomic_file.h"
#include "util/process.h"

using tml::test::run_tml;
using tml::test::TempDir;

namespace {

std::vector<std::string> chromium(const TempDir& dir, const std::string& what) {
  return {"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--hide-scrollbars",
          "--user-data-dir=" + (dir / ("profile-" + what)).string()};
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("the report renders in headless Chromium with every section and chart", "[e2e][report]") {
  REQUIRE(tml::find_program("chromium"));  // scripts/test.sh installs it (install-deps.sh --report)
  TempDir dir;
  const auto ds = dir / "gestures";
  REQUIRE(run_tml({"dataset", "import", tml::test::example_gestures().string(), "--dataset", ds.string()}).exit_code == 0);
  auto train = run_tml({"train", "--dataset", ds.string(), "--model", "conv1d", "--epochs", "4", "--out",
                        (dir / "g.model").string()}, 300);
  INFO(train.out << train.err);
  REQUIRE(train.exit_code == 0);
  // What `tml run --json` writes after a run on the emulated board.
  std::ofstream(dir / "run.json") << R"({"device": "mps2-an386 0.1.0", "cost_unit": "instructions", "model_hash": "0",
    "labels": [], "predictions": [], "summary": {"predictions": 408, "mean_cost": 412345, "min_cost": 412001,
    "max_cost": 413999, "checked": 408, "identical": 408, "with_truth": 400, "correct": 390}})";
  const auto html = dir / "report.html";
  auto rep = run_tml({"report", "--dataset", ds.string(), "--model", (dir / "g.model").string(), "--run",
                      (dir / "run.json").string(), "--out", html.string()}, 300);
  INFO(rep.out << rep.err);
  REQUIRE(rep.exit_code == 0);
  const std::string text = tml::read_file(html);
  CHECK(count(text, "http://") == count(text, "http://www.w3.org/2000/svg"));  // no external assets
  CHECK(text.find("<script") == std::string::npos);
  CHECK(text.find("<link") == std::string::npos);

  // The DOM as Chromium built it.
  auto dom_cmd = chromium(dir, "dom");
  dom_cmd.push_back("--dump-dom");
  dom_cmd.push_back("file://" + html.string());
  auto dom = tml::test::run(dom_cmd, 120);
  INFO(dom.err);
  REQUIRE(dom.exit_code == 0);
  for (const char* section : {"id=\"dataset\"", "id=\"training\"", "id=\"evaluation\"", "id=\"layers\"", "id=\"board\""})
    CHECK(dom.out.find(section) != std::string::npos);
  CHECK(count(dom.out, "<svg") >= 8);  // samples, 4 example traces, loss, accuracy, confusion
  CHECK(count(dom.out, "class=\"chart confusion\"") >= 1);
  CHECK(dom.out.find("Loss per epoch") != std::string::npos);
  CHECK(dom.out.find("Example 'circle'") != std::string::npos);
  CHECK(dom.out.find("time (s)") != std::string::npos);  // axes are labelled
  CHECK(dom.out.find("408 / 408") != std::string::npos);
  CHECK(dom.out.find("412,345") != std::string::npos);

  // The page as Chromium paints it.
  auto shot_cmd = chromium(dir, "shot");
  shot_cmd.push_back("--window-size=1200,3200");
  shot_cmd.push_back("--screenshot=" + (dir / "shot.png").string());
  shot_cmd.push_back("file://" + html.string());
  auto shot = tml::test::run(shot_cmd, 120);
  INFO(shot.err);
  REQUIRE(shot.exit_code == 0);
  const auto img = tml::test::read_png(dir / "shot.png");
  REQUIRE(img.width == 1200);
  REQUIRE(img.height == 3200);
  const uint32_t background = img.at(2, 2);
  size_t painted = 0, series_blue = 0;
  std::set<uint32_t> colours;
  for (uint32_t px : img.rgb) {
    painted += px != background;
    series_blue += px == 0x1f77b4;
    colours.insert(px);
  }
  CHECK(painted > img.rgb.size() / 10);  // not a blank page
  CHECK(colours.size() > 100);           // text, charts, heat map shades
  CHECK(series_blue > 1000);             // chart lines and bars in the first series colour
}
