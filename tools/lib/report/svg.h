// Small inline-SVG charts for the HTML report: every chart has a title, labelled axes with ticks, and a
// legend where there is more than one series.
#pragma once

#include <string>
#include <vector>

namespace tml::report {

struct Series {
  std::string name;
  std::vector<double> x, y;  // same length; NaN y values are gaps
};

struct Axis {
  std::string label;
  bool fixed = false;  // use lo..hi instead of the data's range
  double lo = 0, hi = 1;
};

// A line chart (one polyline per series).
std::string line_chart(const std::string& title, const std::vector<Series>& series, const Axis& x, const Axis& y,
                       int width = 520, int height = 260);

// A scatter chart of the series' points; with `identity`, the line y = x across the chart (predicted
// against true values: the points of a perfect model lie on it).
std::string scatter_chart(const std::string& title, const std::vector<Series>& series, const Axis& x, const Axis& y,
                          bool identity = false, int width = 360, int height = 300);

// The CSS the charts' classes need, for an SVG file of its own (the HTML report has it in its page).
std::string chart_style();

// Vertical bars per category, stacked (one colour per stack part, named in the legend).
std::string stacked_bars(const std::string& title, const std::vector<std::string>& categories,
                         const std::vector<std::string>& parts, const std::vector<std::vector<double>>& values,
                         const std::string& y_label, int width = 520, int height = 260);

// A confusion matrix as a heat map: rows are true classes, columns predicted, counts in the cells.
std::string confusion_heatmap(const std::string& title, const std::vector<std::string>& labels,
                              const std::vector<std::vector<int>>& counts, int cell = 56);

// Text with &, <, >, " escaped for HTML and SVG.
std::string escape(const std::string& s);

}  // namespace tml::report
