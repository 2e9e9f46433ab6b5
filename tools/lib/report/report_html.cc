#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/report.h"
#include "report/svg.h"
#include "tml/trainer/format.h"

namespace tml::report {
namespace {

const char* kStyle = R"(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f6f7f9;margin:0}
main{max-width:1120px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:34px 0 10px;padding-top:8px;border-top:1px solid #d8dce2}
.sub{color:#5b6470;margin:0 0 14px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:14px 0}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:21px}.card span{color:#5b6470;font-size:13px}
.grid{display:flex;flex-wrap:wrap;gap:14px}
.chart{background:#fff;border:1px solid #dde1e6;border-radius:8px}
.chart .ct{font-weight:600;font-size:13px;text-anchor:middle}
.chart .al{font-size:12px;text-anchor:middle;fill:#39414b}
.chart .tx{font-size:11px;text-anchor:middle;fill:#39414b}
.chart .ty{font-size:11px;text-anchor:end;fill:#39414b}
.chart .lg{font-size:11px;fill:#39414b}
.chart .axis{stroke:#39414b;stroke-width:1}.chart .grid{stroke:#e4e7eb;stroke-width:1}
.chart .cv{font-size:13px;text-anchor:middle;fill:#1b1f24}.chart .cv.light{fill:#fff}
table{border-collapse:collapse;background:#fff;border:1px solid #dde1e6;margin:8px 0}
th,td{padding:5px 10px;border-bottom:1px solid #eceef1;text-align:right}th{background:#f0f2f5}
td:first-child,th:first-child{text-align:left}
.note{color:#5b6470;font-size:13px}
)";

std::string card(const std::string& value, const std::string& what) {
  return "<div class=\"card\"><b>" + escape(value) + "</b><span>" + escape(what) + "</span></div>";
}

std::string dataset_section(const ReportData& d) {
  std::string s = "<section id=\"dataset\"><h2>Dataset</h2>";
  int train = 0, test = 0;
  for (const auto& [l, c] : d.counts) train += c.first, test += c.second;
  std::string axes;
  for (size_t i = 0; i < d.axes.size(); ++i)
    axes += (i ? ", " : "") + d.axes[i] + (i < d.units.size() && !d.units[i].empty() ? " (" + d.units[i] + ")" : "");
  s += "<p class=\"sub\">" + escape(d.dataset) + ": " + escape(d.sensor) + ", " + fixed(d.rate_hz, d.rate_hz == std::floor(d.rate_hz) ? 0 : 3) +
       " Hz, axes " + escape(axes) + "</p>";
  s += "<div class=\"cards\">" + card(std::to_string(d.labels.size()), "labels") + card(std::to_string(train), "training samples") +
       card(std::to_string(test), "test samples") + "</div>";
  std::vector<std::vector<double>> values;
  std::vector<std::string> cats;
  for (const auto& l : d.labels) {
    cats.push_back(l);
    auto it = d.counts.find(l);
    values.push_back({it == d.counts.end() ? 0.0 : it->second.first, it == d.counts.end() ? 0.0 : it->second.second});
  }
  s += "<div class=\"grid\">" + stacked_bars("Samples per label and split", cats, {"train", "test"}, values, "samples");
  for (const auto& t : d.traces) {
    std::vector<Series> series;
    for (size_t a = 0; a < t.axes.size(); ++a) {
      Series ser;
      ser.name = a < d.axes.size() ? d.axes[a] : "axis " + std::to_string(a);
      for (size_t r = 0; r < t.axes[a].size(); ++r) {
        ser.x.push_back(d.rate_hz > 0 ? r / d.rate_hz : static_cast<double>(r));
        ser.y.push_back(t.axes[a][r]);
      }
      series.push_back(std::move(ser));
    }
    const std::string unit = !d.units.empty() && !d.units[0].empty() ? d.units[0] : "value";
    s += line_chart("Example '" + t.label + "' (" + t.sample_id + ")", series, {"time (s)"}, {unit}, 540, 240);
  }
  return s + "</div></section>";
}

std::string training_section(const ReportData& d) {
  std::string s = "<section id=\"training\"><h2>Training</h2>";
  if (!d.facts.empty()) {
    s += "<table class=\"facts\">";
    for (const auto& [k, v] : d.facts) s += "<tr><td>" + escape(k) + "</td><td>" + escape(v) + "</td></tr>";
    s += "</table>";
  }
  if (d.history.empty()) return s + "<p class=\"note\">No training history in this model file.</p></section>";
  Series loss{"training", {}, {}}, vloss{"validation", {}, {}}, acc{"training", {}, {}}, vacc{"validation", {}, {}};
  bool has_val = false;
  for (const auto& e : d.history) {
    loss.x.push_back(e.epoch), loss.y.push_back(e.loss);
    acc.x.push_back(e.epoch), acc.y.push_back(e.accuracy);
    vloss.x.push_back(e.epoch), vloss.y.push_back(e.val_loss ? *e.val_loss : NAN);
    vacc.x.push_back(e.epoch), vacc.y.push_back(e.val_accuracy ? *e.val_accuracy : NAN);
    has_val |= e.val_loss.has_value();
  }
  std::vector<Series> ls{loss}, as{acc};
  if (has_val) ls.push_back(vloss), as.push_back(vacc);
  Axis acc_axis{"accuracy", true, 0, 1};
  const bool classes = d.history.front().classes, values = d.history.front().mae.has_value();
  s += "<div class=\"grid\">" +
       line_chart("Loss per epoch", ls, {"epoch"}, {classes && !values ? "cross-entropy loss" : "loss"});
  if (classes) s += line_chart("Accuracy per epoch", as, {"epoch"}, acc_axis);
  if (values) {
    Series mae{"training", {}, {}}, vmae{"validation", {}, {}};
    for (const auto& e : d.history) {
      mae.x.push_back(e.epoch), mae.y.push_back(e.mae ? *e.mae : NAN);
      vmae.x.push_back(e.epoch), vmae.y.push_back(e.val_mae ? *e.val_mae : NAN);
    }
    std::vector<Series> ms{mae};
    if (has_val) ms.push_back(vmae);
    s += line_chart("Value heads: MAE per epoch", ms, {"epoch"}, {"mean absolute error"});
  }
  return s + "</div></section>";
}

// Per value head: MAE, RMSE and R2 of each evaluation, predicted against true and the residuals.
std::string values_part(const ReportData& d) {
  std::string s;
  for (size_t v = 0; v < d.evaluations.front().values.size(); ++v) {
    s += "<h3>Value head " + escape(d.evaluations.front().values[v].name) + "</h3><div class=\"cards\">";
    std::vector<std::pair<std::string, const ValueEvaluation*>> of;
    for (const auto& e : d.evaluations) {
      if (v >= e.values.size()) continue;
      const ValueEvaluation& m = e.values[v];
      s += card(format("%.4g", m.mae), e.name + " MAE") + card(format("%.4g", m.rmse), e.name + " RMSE") +
           card(fixed(m.r2, 3), e.name + " R\u00b2");
      of.push_back({e.name, &m});
    }
    const auto [scatter, residuals] = value_charts(of);
    s += "</div><div class=\"grid\">" + scatter + residuals + "</div>";
  }
  return s;
}

std::string evaluation_section(const ReportData& d) {
  std::string s = "<section id=\"evaluation\"><h2>Test split: float and int8</h2>";
  if (d.evaluations.empty()) return s + "<p class=\"note\">Not evaluated.</p></section>";
  if (!d.evaluations.front().values.empty()) s += values_part(d);
  if (!d.evaluations.front().has_classes) return s + "</section>";
  s += "<div class=\"cards\">";
  for (const auto& e : d.evaluations) s += card(fixed(100 * e.accuracy, 1) + " %", e.name + " accuracy, " + std::to_string(e.windows) + " windows");
  s += "</div><div class=\"grid\">";
  for (const auto& e : d.evaluations) s += confusion_heatmap("Confusion matrix, " + e.name, d.labels, e.confusion);
  s += "</div><table class=\"per-class\"><tr><th>label</th>";
  for (const auto& e : d.evaluations) s += "<th>" + escape(e.name) + " precision</th><th>recall</th><th>F1</th>";
  s += "<th>test windows</th></tr>";
  for (size_t c = 0; c < d.labels.size(); ++c) {
    s += "<tr><td>" + escape(d.labels[c]) + "</td>";
    int support = 0;
    for (const auto& e : d.evaluations) {
      if (c < e.per_class.size()) {
        const auto& m = e.per_class[c];
        s += "<td>" + fixed(m.precision, 3) + "</td><td>" + fixed(m.recall, 3) + "</td><td>" + fixed(m.f1, 3) + "</td>";
        support = m.support;
      } else {
        s += "<td></td><td></td><td></td>";
      }
    }
    s += "<td>" + std::to_string(support) + "</td></tr>";
  }
  return s + "</table></section>";
}

}  // namespace

std::pair<std::string, std::string> value_charts(
    const std::vector<std::pair<std::string, const ValueEvaluation*>>& evaluations) {
  std::vector<Series> scatter, residuals;
  const std::string name = evaluations.empty() ? "" : evaluations.front().second->name;
  for (const auto& [title, m] : evaluations) {
    Series p{title, {}, {}}, r{title, {}, {}};
    for (size_t i = 0; i < m->truth.size(); ++i) {
      p.x.push_back(m->truth[i]);
      p.y.push_back(m->predicted[i]);
      r.x.push_back(m->truth[i]);
      r.y.push_back(static_cast<double>(m->predicted[i]) - m->truth[i]);
    }
    scatter.push_back(std::move(p));
    residuals.push_back(std::move(r));
  }
  return {scatter_chart("Predicted against true: " + name, scatter, {"true " + name}, {"predicted " + name}, true),
          scatter_chart("Residuals: " + name, residuals, {"true " + name}, {"predicted - true"})};
}

std::string value_plots_svg(const std::string& model, const std::vector<ValueEvaluation>& values) {
  constexpr int kW = 360, kH = 300;
  const int height = 28 + kH * static_cast<int>(values.size());
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(2 * kW) + "\" height=\"" +
                  std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(2 * kW) + " " + std::to_string(height) +
                  "\"><style>" + chart_style() + "</style><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>" +
                  "<text x=\"" + std::to_string(kW) + "\" y=\"18\" class=\"ct\">" + escape(model) + "</text>";
  for (size_t v = 0; v < values.size(); ++v) {
    const auto [scatter, residuals] = value_charts({{"", &values[v]}});
    const std::string y = std::to_string(28 + kH * static_cast<int>(v));
    s += "<g transform=\"translate(0," + y + ")\">" + scatter + "</g><g transform=\"translate(" + std::to_string(kW) + "," +
         y + ")\">" + residuals + "</g>";
  }
  return s + "</svg>\n";
}

std::pair<std::string, std::string> anomaly_charts(const AnomalyScores& a) {
  std::vector<double> all = a.normal;
  all.insert(all.end(), a.anomalous_scores.begin(), a.anomalous_scores.end());
  all.push_back(a.threshold);
  const double lo = *std::min_element(all.begin(), all.end()), hi = *std::max_element(all.begin(), all.end());
  const int bins = 24;
  const double width = hi > lo ? (hi - lo) / bins : 1;
  const auto histogram = [&](const std::string& name, const std::vector<double>& v) {
    Series h{name, {}, {}};
    std::vector<double> n(bins, 0);
    for (double x : v) n[size_t(std::min(bins - 1, int((x - lo) / width)))] += 1;
    for (int b = 0; b < bins; ++b)  // steps: each bin's count across its width
      for (double at : {lo + b * width, lo + (b + 1) * width}) h.x.push_back(at), h.y.push_back(n[size_t(b)]);
    return h;
  };
  std::vector<Series> hist = {histogram("normal", a.normal)};
  if (!a.anomalous_scores.empty()) hist.push_back(histogram("anomalous", a.anomalous_scores));
  double top = 1;
  for (const auto& h : hist) top = std::max(top, *std::max_element(h.y.begin(), h.y.end()));
  hist.push_back(Series{"threshold", {a.threshold, a.threshold}, {0, top}});
  // ROC: every distinct score as a threshold, from above the highest down.
  Series roc{"ROC", {0}, {0}};
  std::vector<double> cuts = all;
  std::sort(cuts.rbegin(), cuts.rend());
  for (double c : cuts) {
    double fa = 0, det = 0;
    for (double x : a.normal) fa += x >= c;
    for (double x : a.anomalous_scores) det += x >= c;
    roc.x.push_back(a.normal.empty() ? 0 : fa / double(a.normal.size()));
    roc.y.push_back(a.anomalous_scores.empty() ? 0 : det / double(a.anomalous_scores.size()));
  }
  const Series chance{"chance", {0, 1}, {0, 1}};
  const std::string title = a.auc >= 0 ? "ROC curve (AUC " + fixed(a.auc, 3) + ")" : "ROC curve (no anomalous windows)";
  return {line_chart("Anomaly scores (" + a.method + ")", hist, {"score"}, {"windows"}),
          line_chart(title, {roc, chance}, {"false alarms", true, 0, 1}, {"detected", true, 0, 1}, 360, 300)};
}

std::string anomaly_plots_svg(const std::string& title, const AnomalyScores& scores) {
  constexpr int kW = 900, kH = 330;
  const auto [hist, roc] = anomaly_charts(scores);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kW) + "\" height=\"" +
         std::to_string(kH) + "\" viewBox=\"0 0 " + std::to_string(kW) + " " + std::to_string(kH) + "\"><style>" +
         chart_style() + "</style><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><text x=\"" +
         std::to_string(kW / 2) + "\" y=\"18\" class=\"ct\">" + escape(title) +
         "</text><g transform=\"translate(0,28)\">" + hist + "</g><g transform=\"translate(530,28)\">" + roc +
         "</g></svg>\n";
}

namespace {

std::string anomaly_section(const ReportData& d) {
  if (!d.anomaly) return "";
  const AnomalyScores& a = *d.anomaly;
  std::string s = "<section id=\"anomaly\"><h2>Anomaly detection</h2><p>" + escape(a.method) + " detector on the test split: " +
                  std::to_string(a.normal.size()) + " normal windows, " + std::to_string(a.anomalous_scores.size()) +
                  " anomalous (" + escape(a.anomalous.empty() ? "no fault labels" : join(a.anomalous)) + ")" + (a.auc >= 0 ? "; ROC AUC " + fixed(a.auc, 3) : std::string()) + ". At the threshold " +
                  fixed(a.threshold, 3) + ": " + fixed(100 * a.false_alarms, 1) + " % false alarms, " +
                  fixed(100 * a.detected, 1) + " % detected.</p>";
  const auto [hist, roc] = anomaly_charts(a);
  return s + "<div class=\"charts\">" + hist + roc + "</div></section>";
}

std::string layers_section(const ReportData& d) {
  std::string s = "<section id=\"layers\"><h2>Layers, flash and RAM</h2>";
  if (d.layers.empty()) return s + "<p class=\"note\">No quantized model.</p></section>";
  s += "<table class=\"layers\"><tr><th>layer</th><th>output</th><th>parameters</th><th>MACs</th><th>flash (bytes)</th>"
       "<th>RAM while running (bytes)</th></tr>";
  long params = 0, macs = 0;
  for (const auto& l : d.layers) {
    params += l.params, macs += l.macs;
    s += "<tr><td>" + escape(l.name) + "</td><td>" + escape(l.shape) + "</td><td>" + thousands(l.params) + "</td><td>" +
         thousands(l.macs) + "</td><td>" + thousands(l.flash) + "</td><td>" + thousands(l.ram) + "</td></tr>";
  }
  s += "<tr><th>model</th><th></th><th>" + thousands(params) + "</th><th>" + thousands(macs) + "</th><th>" +
       thousands(d.flash_total) + "</th><th>" + thousands(d.ram_total) + "</th></tr></table>";
  s += "<p class=\"note\">Flash: the whole model blob (weights, bias, requantization, descriptor). RAM: the arena the "
       "runner needs, exact (activations and kernel scratch, planned statically); the model needs nothing else.</p>";
  return s + "</section>";
}

std::string board_section(const ReportData& d) {
  std::string s = "<section id=\"board\"><h2>On the board</h2>";
  if (!d.board) return s + "<p class=\"note\">No board run (tml run --json) given.</p></section>";
  const Board& b = *d.board;
  s += "<p class=\"sub\">" + escape(b.device) + "</p><div class=\"cards\">";
  s += card(std::to_string(b.predictions), "predictions on the board");
  if (b.checked) s += card(std::to_string(b.identical) + " / " + std::to_string(b.checked), "identical to the host, bit for bit");
  if (b.accuracy) s += card(fixed(100 * *b.accuracy, 1) + " %", "on-board accuracy");
  s += card(thousands(std::lround(b.mean_cost)), b.cost_unit + " per inference (mean)");
  s += card(thousands(std::lround(b.min_cost)) + " – " + thousands(std::lround(b.max_cost)), b.cost_unit + " (min – max)");
  return s + "</div></section>";
}

}  // namespace

std::string render_html(const ReportData& d) {
  std::string s = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                  "content=\"width=device-width, initial-scale=1\"><title>" +
                  escape(d.title) + "</title><style>" + kStyle + "</style></head><body><main>";
  s += "<h1>" + escape(d.title) + "</h1><p class=\"sub\">" + escape(d.model) + (d.generated.empty() ? "" : " · " + d.generated) +
       "</p>";
  s += "<nav class=\"sub\"><a href=\"#dataset\">dataset</a> · <a href=\"#training\">training</a> · <a "
       "href=\"#evaluation\">float and int8</a> · <a href=\"#layers\">layers</a> · <a href=\"#board\">board</a></nav>";
  s += dataset_section(d) + training_section(d) + evaluation_section(d) + anomaly_section(d) + layers_section(d) + board_section(d);
  return s + "<p class=\"note\">Made by tml report; this file needs nothing else to open.</p></main></body></html>\n";
}

}  // namespace tml::report
