// The Pareto fronts of `latpred nas` (pareto.hpp).
#include "report/pareto.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "latpred/csv.hpp"
#include "latpred/error.hpp"
#include "report/gnuplot.hpp"

namespace latpred::cli {
namespace {

constexpr const char* kHeader = "device,series,latency_ms,accuracy,arch,note";

std::string num(double v) { return fmt::format("{:.6g}", v); }

}  // namespace

void write_pareto_csv(const std::filesystem::path& file, const std::vector<ParetoPoint>& points) {
  std::ostringstream csv;
  csv << kHeader << "\n";
  for (const auto& p : points)
    csv << csv_cell(p.device) << ',' << csv_cell(p.series) << ',' << num(p.latency_ms) << ',' << num(p.accuracy) << ','
        << (p.arch >= 0 ? std::to_string(p.arch) : "") << ',' << csv_cell(p.note) << '\n';
  std::ofstream out(file);
  out << csv.str();
  if (!out) throw Error("cannot write " + file.string());
}

std::vector<ParetoPoint> read_pareto_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw DataError(file.string(), 0, "cannot read the Pareto points of `latpred nas`");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line != kHeader) throw DataError(file.string(), 1, std::string("expected the header ") + kHeader);
  std::vector<ParetoPoint> points;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    auto cells = split_csv_line(line);
    if (cells.size() < 6)
      throw DataError(file.string(), number, "expected 6 columns, got " + std::to_string(cells.size()));
    // Files written before the note was quoted hold an unquoted comma in it: the note is the rest of the line.
    for (std::size_t i = 6; i < cells.size(); ++i) cells[5] += "," + cells[i];
    try {
      points.push_back({cells[0], cells[1], std::stod(cells[2]), std::stod(cells[3]),
                        cells[4].empty() ? -1 : std::stoll(cells[4]), cells[5]});
    } catch (const std::exception&) {
      throw DataError(file.string(), number, "malformed number in '" + line + "'");
    }
  }
  return points;
}

std::vector<std::string> plot_pareto(const std::filesystem::path& dir, const std::vector<ParetoPoint>& points,
                                     const std::string& metric, bool run_gnuplot) {
  std::vector<std::string> devices;
  for (const auto& p : points)
    if (std::find(devices.begin(), devices.end(), p.device) == devices.end()) devices.push_back(p.device);
  const std::vector<std::pair<std::string, std::string>> styles = {
      {"true_front", "with steps lw 2 lc rgb '#888888' title 'true Pareto front (all archs)'"},
      {"found", "with points pt 7 ps 1.6 lc rgb '#d62728' title 'found (predicted latency <= constraint)'"},
      {"found_front", "with lines lw 2 lc rgb '#d62728' notitle"},
      {"HELP", "with points pt 5 ps 1.3 lc rgb '#1f77b4' title 'HELP (paper, S=20)'"},
      {"BRP-NAS", "with points pt 9 ps 1.5 lc rgb '#2ca02c' title 'BRP-NAS (paper, S=900)'"}};
  std::vector<std::string> stems;
  for (const auto& device : devices) {
    GnuplotFigure figure;
    figure.stem = "nas_pareto_" + file_stem(device);
    figure.comment = "Pareto fronts of `latpred nas` on " + device;
    for (const auto& [series, style] : styles) {
      std::vector<ParetoPoint> block;
      for (const auto& p : points)
        if (p.device == device && p.series == series) block.push_back(p);
      if (block.empty()) continue;
      std::sort(block.begin(), block.end(),
                [](const ParetoPoint& a, const ParetoPoint& b) { return a.latency_ms < b.latency_ms; });
      figure.data += "# " + series + "\n";
      for (const auto& p : block) figure.data += num(p.latency_ms) + ' ' + num(p.accuracy) + '\n';
      figure.data += "\n\n";  // gnuplot: a new data block (index)
      figure.series.push_back(
          fmt::format("{} index {} {}", gnuplot_quote(figure.stem + ".dat"), figure.series.size(), style));
    }
    figure.settings = {"set title " + gnuplot_quote(device + ": accuracy vs true latency"),
                       "set xlabel 'true latency (ms)'", "set ylabel " + gnuplot_quote(metric + " accuracy (%)"),
                       "set key bottom right", "set grid"};
    render_figure(dir, figure, run_gnuplot);
    stems.push_back(figure.stem);
  }
  return stems;
}

void write_pareto(const std::filesystem::path& dir, const std::vector<ParetoPoint>& points, const std::string& metric) {
  write_pareto_csv(dir / "nas_pareto.csv", points);
  const bool have_gnuplot = gnuplot_available();
  plot_pareto(dir, points, metric, have_gnuplot);
  if (!have_gnuplot) warn_gnuplot_missing("the Pareto data and gnuplot scripts (" + dir.string() + "/nas_pareto_*.gp)");
}

}  // namespace latpred::cli
