// Predicted vs measured latency plots from predictions/ (report_sections.hpp).
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "report/gnuplot.hpp"
#include "report/report_sections.hpp"
#include "report/report_stats.hpp"

namespace fs = std::filesystem;

namespace latpred::cli {
namespace {

constexpr std::size_t kMaxScatterPoints = 4000;  // more would make a blot (and a huge SVG)

std::string num(double v) { return fmt::format("{:.6g}", v); }

}  // namespace

ReportSection scatter_section(const StudyResults& results, const std::vector<std::size_t>& axes,
                              const fs::path& run_dir, const FigureOutput& out) {
  ReportSection s{"Predicted vs measured latency", {}};
  if (!fs::is_directory(run_dir / "predictions")) {
    s.text("No predictions/ in the run directory: set [transfer] save_predictions = true to get these plots.");
    return s;
  }
  const auto largest = largest_k(results.rows, "spearman");
  std::map<std::string, std::vector<PredictionRecord>> cache;  // run key -> its predictions file
  std::size_t made = 0, skipped = 0;
  std::vector<std::pair<std::string, std::string>> done;  // (task, device)
  for (const auto& r : results.rows) {
    if (r.metric != "spearman" || r.device.empty() || r.k != largest.at(r.task)) continue;
    if (std::find(done.begin(), done.end(), std::make_pair(r.task, r.device)) != done.end()) continue;
    const fs::path file = run_dir / "predictions" / (r.run_key + ".csv");
    if (!fs::exists(file)) continue;
    done.emplace_back(r.task, r.device);  // the first run (plan order) with predictions stands for the others
    if (made == out.max_scatter) {
      ++skipped;
      continue;
    }
    if (!cache.count(r.run_key)) cache[r.run_key] = read_predictions_csv(file);
    std::vector<std::pair<double, double>> points;  // (measured, predicted)
    for (const auto& p : cache[r.run_key])
      if (p.device == r.device && p.k == r.k && p.true_ms > 0.0 && p.predicted_ms > 0.0)
        points.emplace_back(p.true_ms, p.predicted_ms);
    if (points.empty()) continue;
    double lo = points[0].first, hi = lo;
    for (const auto& [t, p] : points) lo = std::min({lo, t, p}), hi = std::max({hi, t, p});
    const std::size_t stride = (points.size() + kMaxScatterPoints - 1) / kMaxScatterPoints;
    GnuplotFigure figure;
    figure.stem = file_stem("scatter_" + r.task + "_" + r.device + "_k" + std::to_string(r.k));
    std::string which = "seed " + std::to_string(r.seed);
    if (!axes.empty()) which += ", " + axes_label(results, axes, r);
    const std::string title = fmt::format("{} ({}), k={}, {}: Spearman {:.3f}", r.device, r.task, r.k, which, r.value);
    figure.comment = "predicted vs measured latency, run " + r.run_key;
    figure.data = "# measured_ms predicted_ms" +
                  (stride > 1 ? fmt::format(" (every {}th of {} architectures)", stride, points.size()) : "") + "\n";
    std::size_t shown = 0;
    for (std::size_t i = 0; i < points.size(); i += stride, ++shown)
      figure.data += num(points[i].first) + " " + num(points[i].second) + "\n";
    figure.width = 750;
    figure.height = 700;
    figure.settings = {"set title " + gnuplot_quote(title),
                       "set xlabel 'measured latency (ms)'",
                       "set ylabel 'predicted latency (ms)'",
                       "set logscale xy",
                       "set size square",
                       fmt::format("set xrange [{}:{}]", num(lo / 1.1), num(hi * 1.1)),
                       fmt::format("set yrange [{}:{}]", num(lo / 1.1), num(hi * 1.1)),
                       "set grid",
                       "set key top left"};
    figure.series = {fmt::format("{} using 1:2 with points pt 7 ps 0.5 lc rgb '#1f77b4' title {}",
                                 gnuplot_quote(figure.stem + ".dat"),
                                 gnuplot_quote(std::to_string(shown) + " architectures" +
                                               (stride > 1 ? " (every " + std::to_string(stride) + "th)" : ""))),
                     "x with lines dt 2 lw 2 lc rgb '#444444' title 'y = x'"};
    const bool rendered = render_figure(out.dir, figure, out.run_gnuplot);
    s.figure({figure.stem, title + " (run " + r.run_key + ")", rendered});
    ++made;
  }
  if (made == 0) s.text("predictions/ holds no positive predicted and measured latencies at the largest k.");
  if (skipped > 0) s.text(fmt::format("{} more (task, device) plots left out (at most {}).", skipped, out.max_scatter));
  return s;
}

}  // namespace latpred::cli
