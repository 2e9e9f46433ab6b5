#include "report/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace tml::report {
namespace {

const char* const kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

// A tick label with no more digits than the step needs.
std::string tick_text(double v, double step) {
  char b[32];
  const int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  std::snprintf(b, sizeof b, "%.*f", std::min(decimals, 6), std::fabs(v) < step * 1e-6 ? 0.0 : v);
  return b;
}

double nice_step(double range, int target) {
  if (!(range > 0)) return 1;
  const double raw = range / target;
  const double mag = std::pow(10, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

struct Frame {
  int w, h, left = 58, right = 14, top = 30, bottom = 44;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  double px(double x) const { return left + (x - x0) / (x1 - x0) * (w - left - right); }
  double py(double y) const { return h - bottom - (y - y0) / (y1 - y0) * (h - top - bottom); }
};

// Axes, grid, ticks, axis titles and the chart title.
std::string frame_svg(const Frame& f, const std::string& title, const std::string& xl, const std::string& yl, bool x_ticks) {
  std::string s;
  s += "<text x=\"" + num(f.w / 2.0) + "\" y=\"18\" class=\"ct\">" + escape(title) + "</text>";
  const double ys = nice_step(f.y1 - f.y0, 5);
  for (double v = std::ceil(f.y0 / ys) * ys; v <= f.y1 + ys * 1e-9; v += ys) {
    s += "<line x1=\"" + num(f.left) + "\" x2=\"" + num(f.w - f.right) + "\" y1=\"" + num(f.py(v)) + "\" y2=\"" +
         num(f.py(v)) + "\" class=\"grid\"/>";
    s += "<text x=\"" + num(f.left - 6) + "\" y=\"" + num(f.py(v) + 4) + "\" class=\"ty\">" + tick_text(v, ys) + "</text>";
  }
  if (x_ticks) {
    const double xs = nice_step(f.x1 - f.x0, 6);
    for (double v = std::ceil(f.x0 / xs) * xs; v <= f.x1 + xs * 1e-9; v += xs) {
      s += "<line x1=\"" + num(f.px(v)) + "\" x2=\"" + num(f.px(v)) + "\" y1=\"" + num(f.h - f.bottom) + "\" y2=\"" +
           num(f.h - f.bottom + 4) + "\" class=\"axis\"/>";
      s += "<text x=\"" + num(f.px(v)) + "\" y=\"" + num(f.h - f.bottom + 16) + "\" class=\"tx\">" + tick_text(v, xs) + "</text>";
    }
  }
  s += "<line x1=\"" + num(f.left) + "\" x2=\"" + num(f.w - f.right) + "\" y1=\"" + num(f.h - f.bottom) + "\" y2=\"" +
       num(f.h - f.bottom) + "\" class=\"axis\"/>";
  s += "<line x1=\"" + num(f.left) + "\" x2=\"" + num(f.left) + "\" y1=\"" + num(f.top) + "\" y2=\"" + num(f.h - f.bottom) +
       "\" class=\"axis\"/>";
  s += "<text x=\"" + num((f.left + f.w - f.right) / 2.0) + "\" y=\"" + num(f.h - 8) + "\" class=\"al\">" + escape(xl) + "</text>";
  s += "<text transform=\"translate(14," + num((f.top + f.h - f.bottom) / 2.0) + ") rotate(-90)\" class=\"al\">" +
       escape(yl) + "</text>";
  return s;
}

std::string legend(const std::vector<std::string>& names, int x, int y) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) {
    const int yy = y + static_cast<int>(i) * 15;
    s += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(yy - 8) + "\" width=\"10\" height=\"10\" fill=\"" +
         kColours[i % 8] + "\"/>";
    s += "<text x=\"" + std::to_string(x + 14) + "\" y=\"" + std::to_string(yy + 1) + "\" class=\"lg\">" + escape(names[i]) +
         "</text>";
  }
  return s;
}

std::string open_svg(int w, int h, const std::string& title, const std::string& cls) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart " + cls + "\" width=\"" + std::to_string(w) +
         "\" height=\"" + std::to_string(h) + "\" viewBox=\"0 0 " + std::to_string(w) + " " + std::to_string(h) +
         "\" role=\"img\" aria-label=\"" + escape(title) + "\">";
}

}  // namespace

std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string line_chart(const std::string& title, const std::vector<Series>& series, const Axis& x, const Axis& y, int width,
                       int height) {
  Frame f{width, height};
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const auto& s : series)
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (std::isnan(s.y[i])) continue;
      xlo = std::min(xlo, s.x[i]);
      xhi = std::max(xhi, s.x[i]);
      ylo = std::min(ylo, s.y[i]);
      yhi = std::max(yhi, s.y[i]);
    }
  if (!std::isfinite(xlo)) xlo = 0, xhi = 1, ylo = 0, yhi = 1;
  if (x.fixed) xlo = x.lo, xhi = x.hi;
  if (y.fixed) ylo = y.lo, yhi = y.hi;
  if (xhi <= xlo) xhi = xlo + 1;
  if (yhi <= ylo) yhi = ylo + 1;
  if (!y.fixed) {  // round the value range out to ticks
    const double st = nice_step(yhi - ylo, 5);
    ylo = std::floor(ylo / st) * st;
    yhi = std::ceil(yhi / st) * st;
  }
  f.x0 = xlo, f.x1 = xhi, f.y0 = ylo, f.y1 = yhi;
  if (series.size() > 1) f.right = 90;
  std::string s = open_svg(width, height, title, "line");
  s += frame_svg(f, title, x.label, y.label, true);
  std::vector<std::string> names;
  for (size_t k = 0; k < series.size(); ++k) {
    names.push_back(series[k].name);
    std::string pts;
    bool pen = false;
    // At most ~2 points per pixel: longer series are thinned to keep the file small.
    const size_t n = series[k].x.size();
    const size_t step = std::max<size_t>(1, n / static_cast<size_t>(2 * (width - f.left - f.right)));
    std::string path;
    for (size_t i = 0; i < n; i += step) {
      const double yv = series[k].y[i];
      if (std::isnan(yv)) {
        pen = false;
        continue;
      }
      path += (pen ? " L" : " M") + num(f.px(series[k].x[i])) + " " + num(f.py(std::clamp(yv, ylo, yhi)));
      pen = true;
    }
    s += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + kColours[k % 8] + "\" stroke-width=\"1.6\"/>";
  }
  if (series.size() > 1) s += legend(names, width - f.right + 8, f.top + 8);
  return s + "</svg>";
}

std::string scatter_chart(const std::string& title, const std::vector<Series>& series, const Axis& x, const Axis& y,
                          bool identity, int width, int height) {
  Frame f{width, height};
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const auto& s : series)
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      xlo = std::min(xlo, s.x[i]);
      xhi = std::max(xhi, s.x[i]);
      ylo = std::min(ylo, s.y[i]);
      yhi = std::max(yhi, s.y[i]);
    }
  if (!std::isfinite(xlo)) xlo = 0, xhi = 1, ylo = 0, yhi = 1;
  if (identity) xlo = ylo = std::min(xlo, ylo), xhi = yhi = std::max(xhi, yhi);
  if (x.fixed) xlo = x.lo, xhi = x.hi;
  if (y.fixed) ylo = y.lo, yhi = y.hi;
  if (xhi <= xlo) xhi = xlo + 1;
  if (yhi <= ylo) yhi = ylo + 1;
  const double xs = nice_step(xhi - xlo, 5), ys = nice_step(yhi - ylo, 5);
  f.x0 = std::floor(xlo / xs) * xs, f.x1 = std::ceil(xhi / xs) * xs;
  f.y0 = std::floor(ylo / ys) * ys, f.y1 = std::ceil(yhi / ys) * ys;
  if (series.size() > 1) f.right = 90;
  std::string s = open_svg(width, height, title, "scatter");
  s += frame_svg(f, title, x.label, y.label, true);
  if (identity) {
    const double lo = std::max(f.x0, f.y0), hi = std::min(f.x1, f.y1);
    s += "<line x1=\"" + num(f.px(lo)) + "\" y1=\"" + num(f.py(lo)) + "\" x2=\"" + num(f.px(hi)) + "\" y2=\"" +
         num(f.py(hi)) + "\" class=\"axis\" stroke-dasharray=\"4 3\"/>";
  }
  std::vector<std::string> names;
  for (size_t k = 0; k < series.size(); ++k) {
    names.push_back(series[k].name);
    // At most 4,000 points a series: longer ones are thinned evenly to keep the file small.
    const size_t n = series[k].x.size(), step = std::max<size_t>(1, n / 4000);
    for (size_t i = 0; i < n; i += step) {
      if (!std::isfinite(series[k].x[i]) || !std::isfinite(series[k].y[i])) continue;
      s += "<circle cx=\"" + num(f.px(series[k].x[i])) + "\" cy=\"" + num(f.py(series[k].y[i])) + "\" r=\"1.8\" fill=\"" +
           kColours[k % 8] + "\" fill-opacity=\"0.6\"/>";
    }
  }
  if (series.size() > 1) s += legend(names, width - f.right + 8, f.top + 8);
  return s + "</svg>";
}

std::string chart_style() {
  return ".ct{font:600 13px sans-serif;text-anchor:middle}.al{font:12px sans-serif;text-anchor:middle;fill:#39414b}"
         ".tx{font:11px sans-serif;text-anchor:middle;fill:#39414b}.ty{font:11px sans-serif;text-anchor:end;fill:#39414b}"
         ".lg{font:11px sans-serif;fill:#39414b}.axis{stroke:#39414b;stroke-width:1}.grid{stroke:#e4e7eb;stroke-width:1}";
}

std::string stacked_bars(const std::string& title, const std::vector<std::string>& categories,
                         const std::vector<std::string>& parts, const std::vector<std::vector<double>>& values,
                         const std::string& y_label, int width, int height) {
  Frame f{width, height};
  f.right = parts.size() > 1 ? 90 : 14;
  double top = 0;
  for (const auto& v : values) {
    double sum = 0;
    for (double p : v) sum += p;
    top = std::max(top, sum);
  }
  const double st = nice_step(top > 0 ? top : 1, 5);
  f.x0 = 0, f.x1 = static_cast<double>(std::max<size_t>(1, categories.size())), f.y0 = 0, f.y1 = std::ceil((top > 0 ? top : 1) / st) * st;
  std::string s = open_svg(width, height, title, "bars");
  s += frame_svg(f, title, "label", y_label, false);
  const double slot = (f.px(1) - f.px(0));
  for (size_t c = 0; c < categories.size(); ++c) {
    double base = 0;
    for (size_t p = 0; p < parts.size(); ++p) {
      const double v = c < values.size() && p < values[c].size() ? values[c][p] : 0;
      const double y_top = f.py(base + v), y_bot = f.py(base);
      s += "<rect x=\"" + num(f.px(static_cast<double>(c)) + slot * 0.2) + "\" y=\"" + num(y_top) + "\" width=\"" +
           num(slot * 0.6) + "\" height=\"" + num(y_bot - y_top) + "\" fill=\"" + kColours[p % 8] + "\"><title>" +
           escape(categories[c] + " " + parts[p] + ": " + tick_text(v, 1)) + "</title></rect>";
      base += v;
    }
    s += "<text x=\"" + num(f.px(static_cast<double>(c)) + slot / 2) + "\" y=\"" + num(f.h - f.bottom + 16) +
         "\" class=\"tx\">" + escape(categories[c]) + "</text>";
  }
  if (parts.size() > 1) s += legend(parts, width - f.right + 8, f.top + 8);
  return s + "</svg>";
}

std::string confusion_heatmap(const std::string& title, const std::vector<std::string>& labels,
                              const std::vector<std::vector<int>>& counts, int cell) {
  const int n = static_cast<int>(labels.size());
  const int left = 100, top = 56, w = left + n * cell + 20, h = top + n * cell + 46;
  int most = 1;
  for (const auto& row : counts)
    for (int v : row) most = std::max(most, v);
  std::string s = open_svg(w, h, title, "confusion");
  s += "<text x=\"" + num(w / 2.0) + "\" y=\"18\" class=\"ct\">" + escape(title) + "</text>";
  s += "<text x=\"" + num(left + n * cell / 2.0) + "\" y=\"36\" class=\"al\">predicted</text>";
  s += "<text transform=\"translate(14," + num(top + n * cell / 2.0) + ") rotate(-90)\" class=\"al\">true</text>";
  for (int i = 0; i < n; ++i) {
    s += "<text x=\"" + num(left + i * cell + cell / 2.0) + "\" y=\"" + num(top - 6) + "\" class=\"tx\">" +
         escape(labels[static_cast<size_t>(i)]) + "</text>";
    s += "<text x=\"" + num(left - 6) + "\" y=\"" + num(top + i * cell + cell / 2.0 + 4) + "\" class=\"ty\">" +
         escape(labels[static_cast<size_t>(i)]) + "</text>";
    for (int j = 0; j < n; ++j) {
      const int v = i < static_cast<int>(counts.size()) && j < static_cast<int>(counts[static_cast<size_t>(i)].size())
                        ? counts[static_cast<size_t>(i)][static_cast<size_t>(j)]
                        : 0;
      const double a = static_cast<double>(v) / most;
      char fill[64];
      // Correct predictions in blue, mistakes in red; darker for more windows.
      std::snprintf(fill, sizeof fill, i == j ? "rgba(31,119,180,%.3f)" : "rgba(214,39,40,%.3f)", 0.08 + 0.92 * a);
      s += "<rect x=\"" + num(left + j * cell) + "\" y=\"" + num(top + i * cell) + "\" width=\"" + num(cell - 2) +
           "\" height=\"" + num(cell - 2) + "\" fill=\"" + fill + "\"/>";
      s += "<text x=\"" + num(left + j * cell + cell / 2.0 - 1) + "\" y=\"" + num(top + i * cell + cell / 2.0 + 4) +
           "\" class=\"cv" + (a > 0.55 ? " light" : "") + "\">" + std::to_string(v) + "</text>";
    }
  }
  return s + "</svg>";
}

}  // namespace tml::report
