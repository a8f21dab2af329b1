// The sections of a `latpred run` directory: summary tables, Spearman vs k, per-device bars, predicted vs measured.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "latpred/error.hpp"
#include "report/gnuplot.hpp"
#include "report/report_sections.hpp"
#include "report/report_stats.hpp"

namespace fs = std::filesystem;

namespace latpred::cli {
namespace {

const std::vector<std::string> kTableMetrics = {"spearman", "kendall", "mape"};
constexpr std::size_t kMaxClusters = 6;  // bars per device; more sweep points are averaged

std::string num(double v) { return fmt::format("{:.6g}", v); }

std::vector<std::string> present_metrics(const StudyResults& results) {
  std::vector<std::string> out;
  for (const auto& m : kTableMetrics)
    if (has_metric(results.rows, m)) out.push_back(m);
  return out;
}

// One table, one "mean ± std" column per metric: rows keyed by `key`, ending with k, or with the device when
// `per_device` (then the devices column would always be 1 and is left out).
ReportTable metric_table(const StudyResults& results, std::vector<std::string> key_header, const RecordKey& key,
                         bool per_device, const std::vector<ResultRecord>& rows) {
  const auto metrics = present_metrics(results);
  std::map<std::vector<std::string>, std::map<std::string, SeedStat>> cells;
  std::vector<Aggregate> order;  // the rows of the table: every key of any metric, once
  for (const auto& metric : metrics) {
    auto aggregates = aggregate(rows, metric, key);
    for (const auto& a : aggregates) {
      if (cells.find(a.key) == cells.end()) order.push_back(a);
      cells[a.key][metric] = a.stat;
    }
  }
  sort_by_key(order, !per_device);
  ReportTable table;
  table.header = std::move(key_header);
  for (const auto& m : metrics) table.header.push_back(m);
  if (!per_device) table.header.push_back("devices");
  table.header.push_back("seeds");
  for (const auto& a : order) {
    std::vector<std::string> row = a.key;
    const auto& stats = cells[a.key];
    std::size_t devices = 0, seeds = 0;
    for (const auto& m : metrics) {
      const auto it = stats.find(m);
      row.push_back(it == stats.end() ? "" : mean_std(it->second, m == "mape" ? 2 : 3));
      if (it != stats.end()) devices = std::max(devices, it->second.devices), seeds = std::max(seeds, it->second.seeds);
    }
    if (!per_device) row.push_back(std::to_string(devices));
    row.push_back(std::to_string(seeds));
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::vector<std::string> axis_names(const StudyResults& results, const std::vector<std::size_t>& axes) {
  std::vector<std::string> out;
  for (std::size_t a : axes) out.push_back(results.swept_keys[a]);
  return out;
}

ReportSection summary_section(const StudyResults& results, const std::vector<std::size_t>& axes) {
  ReportSection s{"Summary", {}};
  if (present_metrics(results).empty()) {
    s.text("results.csv holds no spearman, kendall or mape rows: no transfer has finished yet.");
    return s;
  }
  s.text(
      "Each metric is the mean over the test devices of a run, then mean ± population std over seeds. "
      "MAPE is in %.");
  // Rows keyed by task, swept values and k, and optionally the device.
  auto header = [&](bool per_device) {
    auto names = std::vector<std::string>{"task"};
    for (const auto& name : axis_names(results, axes)) names.push_back(name);
    names.push_back("k");
    if (per_device) names.push_back("device");
    return names;
  };
  auto row_key = [&](bool per_device) {
    return [&axes, per_device](const ResultRecord& r) {
      std::vector<std::string> key = {r.task};
      for (std::size_t a : axes) key.push_back(r.swept[a]);
      key.push_back(std::to_string(r.k));
      if (per_device) key.push_back(r.device);
      return key;
    };
  };
  s.table(metric_table(results, header(false), row_key(false), false, results.rows));

  // Per test device at the largest k of each task.
  const auto largest = largest_k(results.rows, "spearman");
  std::vector<ResultRecord> at_largest;
  for (const auto& r : results.rows) {
    const auto it = largest.find(r.task);
    if (!r.device.empty() && it != largest.end() && r.k == it->second) at_largest.push_back(r);
  }
  if (at_largest.empty()) return s;
  s.text("Per test device at the largest k of each task (mean ± std over seeds):");
  s.table(metric_table(results, header(true), row_key(true), true, at_largest));
  return s;
}

// A Spearman-vs-k figure, one line per series; aggregates are keyed (series, k).
ReportFigure spearman_vs_k(const FigureOutput& out, const std::string& stem, const std::string& title,
                           std::vector<Aggregate> aggregates) {
  sort_by_key(aggregates, true);
  GnuplotFigure figure;
  figure.stem = stem;
  figure.comment = title;
  std::vector<std::string> series;
  std::vector<int64_t> ks;
  for (const auto& a : aggregates) {
    if (std::find(series.begin(), series.end(), a.key[0]) == series.end()) series.push_back(a.key[0]);
    const int64_t k = std::stoll(a.key[1]);
    if (std::find(ks.begin(), ks.end(), k) == ks.end()) ks.push_back(k);
  }
  std::sort(ks.begin(), ks.end());
  for (std::size_t i = 0; i < series.size(); ++i) {
    figure.data += "# " + series[i] + ": k mean std\n";
    for (const auto& a : aggregates)
      if (a.key[0] == series[i]) figure.data += a.key[1] + " " + num(a.stat.mean) + " " + num(a.stat.std) + "\n";
    figure.data += "\n\n";
    figure.series.push_back(fmt::format("{} index {} using 1:2:3 with yerrorlines lw 2 pt 7 ps 1.2 title {}",
                                        gnuplot_quote(stem + ".dat"), i, gnuplot_quote(series[i])));
  }
  std::vector<std::string> tics;
  for (int64_t k : ks) tics.push_back(std::to_string(k));
  const double lo = static_cast<double>(ks.front()), hi = static_cast<double>(ks.back());
  figure.settings = {"set title " + gnuplot_quote(title),
                     "set xlabel 'transfer samples k'",
                     "set ylabel 'Spearman rank correlation'",
                     "set key bottom right",
                     "set grid",
                     "set xtics (" + join(tics) + ")"};
  if (hi >= 4.0 * lo) {  // k doubles from one point to the next: a log axis spaces them evenly
    figure.settings.push_back("set logscale x 2");
    figure.settings.push_back(fmt::format("set xrange [{}:{}]", num(lo / 1.25), num(hi * 1.25)));
  } else {
    const double pad = std::max(1.0, (hi - lo) * 0.1);
    figure.settings.push_back(fmt::format("set xrange [{}:{}]", num(lo - pad), num(hi + pad)));
  }
  const bool rendered = render_figure(out.dir, figure, out.run_gnuplot);
  return {stem, title, rendered};
}

ReportSection spearman_section(const StudyResults& results, const std::vector<std::size_t>& axes,
                               const FigureOutput& out) {
  ReportSection s{"Spearman vs k", {}};
  if (!has_metric(results.rows, "spearman")) {
    s.text("No spearman rows.");
    return s;
  }
  const auto tasks = distinct(results.rows, [](const ResultRecord& r) { return r.task; });
  s.text("Mean over test devices (and over the sweep values a plot does not separate); error bars: std over seeds.");
  s.figure(spearman_vs_k(out, "spearman_vs_k", "Spearman vs k per task",
                         aggregate(results.rows, "spearman", [](const ResultRecord& r) {
                           return std::vector<std::string>{r.task, std::to_string(r.k)};
                         })));
  std::size_t made = 0, skipped = 0;
  for (const auto& task : tasks) {
    std::vector<ResultRecord> rows;
    for (const auto& r : results.rows)
      if (r.task == task) rows.push_back(r);
    for (std::size_t a : axes) {
      if (distinct(rows, [a](const ResultRecord& r) { return r.swept[a]; }).size() < 2) continue;
      if (made == out.max_line_plots) {
        ++skipped;
        continue;
      }
      const std::string key = results.swept_keys[a];
      const std::string title = task + ": Spearman vs k by " + key + (axes.size() > 1 ? " (mean over other axes)" : "");
      s.figure(spearman_vs_k(out, file_stem("spearman_vs_k_" + task + "_" + key), title,
                             aggregate(rows, "spearman", [a, &key](const ResultRecord& r) {
                               return std::vector<std::string>{key + "=" + r.swept[a], std::to_string(r.k)};
                             })));
      ++made;
    }
  }
  if (skipped > 0) s.text(fmt::format("{} more per-axis plots left out (at most {}).", skipped, out.max_line_plots));
  return s;
}

// Bars per test device at the task's largest k, one cluster member per sweep point (or their mean when many).
ReportFigure device_bars(const StudyResults& results, const std::vector<std::size_t>& axes, const std::string& task,
                         const FigureOutput& out) {
  const int64_t k = largest_k(results.rows, "spearman").at(task);
  std::vector<ResultRecord> rows;
  for (const auto& r : results.rows)
    if (r.task == task && r.k == k && r.metric == "spearman") rows.push_back(r);
  auto label = [&](const ResultRecord& r) { return axes_label(results, axes, r); };
  std::vector<std::string> clusters = distinct(rows, label);
  const bool averaged = clusters.size() > kMaxClusters;
  if (averaged) clusters = {"mean over the sweep"};
  const auto aggregates = aggregate(rows, "spearman", [&](const ResultRecord& r) {
    return std::vector<std::string>{averaged ? clusters[0] : label(r), r.device};
  });
  const auto devices = distinct(rows, [](const ResultRecord& r) { return r.device; });
  std::map<std::pair<std::string, std::string>, SeedStat> stat;
  double low = 0.0, high = 1.0;
  for (const auto& a : aggregates) {
    stat[{a.key[0], a.key[1]}] = a.stat;
    low = std::min(low, a.stat.mean - a.stat.std);
    high = std::max(high, a.stat.mean + a.stat.std);
  }
  GnuplotFigure figure;
  figure.stem = file_stem("spearman_devices_" + task);
  const std::string title = fmt::format("{}: Spearman per test device at k={}", task, k);
  figure.comment = title;
  figure.data = "# device, then per series: mean std ('?' = missing)\n";
  for (const auto& d : devices) {
    figure.data += "\"" + d + "\"";
    for (const auto& c : clusters) {
      const auto it = stat.find({c, d});
      figure.data += it == stat.end() ? " ? ?" : " " + num(it->second.mean) + " " + num(it->second.std);
    }
    figure.data += "\n";
  }
  for (std::size_t i = 0; i < clusters.size(); ++i) {
    // A single series needs no key: the title says what the bars are.
    const std::string title_clause = clusters.size() == 1 ? "notitle" : "title " + gnuplot_quote(clusters[i]);
    figure.series.push_back(fmt::format("{} using {}:{}{} {}", i == 0 ? gnuplot_quote(figure.stem + ".dat") : "''",
                                        2 + 2 * i, 3 + 2 * i, i == 0 ? ":xtic(1)" : "", title_clause));
  }
  figure.settings = {"set title " + gnuplot_quote(title + " (mean over seeds; bars: std)"),
                     "set ylabel 'Spearman rank correlation'",
                     "set style data histograms",
                     "set style histogram errorbars gap 1 lw 1",
                     "set style fill solid 0.75 border -1",
                     "set datafile missing '?'",
                     "set grid ytics",
                     "set xtics nomirror",
                     "set key outside bottom center horizontal",
                     fmt::format("set yrange [{}:{}]", num(low < 0.0 ? low - 0.05 : 0.0), num(high + 0.02))};
  if (devices.size() > 5) figure.settings.push_back("set xtics rotate by -30");
  const bool rendered = render_figure(out.dir, figure, out.run_gnuplot);
  return {figure.stem, title + (averaged ? " (mean over the sweep)" : ""), rendered};
}

ReportSection devices_section(const StudyResults& results, const std::vector<std::size_t>& axes,
                              const FigureOutput& out) {
  ReportSection s{"Per test device at the largest k", {}};
  if (!has_metric(results.rows, "spearman")) return s;
  s.text("Mean over seeds; error bars: std over seeds.");
  const auto largest = largest_k(results.rows, "spearman");
  std::vector<std::string> tasks;  // those with spearman rows, in plan order
  for (const auto& task : distinct(results.rows, [](const ResultRecord& r) { return r.task; }))
    if (largest.count(task)) tasks.push_back(task);
  for (std::size_t i = 0; i < tasks.size() && i < out.max_line_plots; ++i)
    s.figure(device_bars(results, axes, tasks[i], out));
  if (tasks.size() > out.max_line_plots)
    s.text(fmt::format("{} more tasks left out (at most {}).", tasks.size() - out.max_line_plots, out.max_line_plots));
  return s;
}

}  // namespace

std::vector<ReportSection> study_sections(const StudyResults& results, const fs::path& run_dir,
                                          const FigureOutput& out) {
  const auto axes = varying_axes(results);
  std::vector<ReportSection> sections = {summary_section(results, axes)};
  if (!has_metric(results.rows, "spearman")) return sections;
  sections.push_back(spearman_section(results, axes, out));
  sections.push_back(devices_section(results, axes, out));
  sections.push_back(scatter_section(results, axes, run_dir, out));
  return sections;
}

}  // namespace latpred::cli
