// `latpred report RUN_DIR` (report.hpp).
#include "report/report.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "latpred/error.hpp"
#include "latpred/runner.hpp"
#include "report/gnuplot.hpp"
#include "report/report_sections.hpp"

namespace fs = std::filesystem;

namespace latpred::cli {
namespace {

std::vector<std::string> entries_of(const fs::path& dir, bool directories_only) {
  std::vector<std::string> out;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error))
    if (!directories_only || entry.is_directory()) out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

void check_run_dir(const fs::path& dir) {
  const std::string expected =
      "expected the run directory of `latpred run` (with results.csv) or of `latpred nas` (with nas.csv), e.g. "
      "runs/<study name>";
  if (!fs::is_directory(dir)) {
    std::string message = (fs::exists(dir) ? "not a directory; " : "no such directory; ") + expected;
    const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    if (fs::is_directory(parent)) {
      const auto siblings = entries_of(parent, true);
      message += ". " + did_you_mean(dir.filename().string(), siblings);
      if (!siblings.empty()) message += "Directories in " + parent.string() + ": " + join(siblings);
    }
    throw DataError(dir.string(), 0, message);
  }
  if (fs::exists(dir / "results.csv") || fs::exists(dir / "nas.csv")) return;
  const auto entries = entries_of(dir, false);
  std::vector<std::string> below;  // run directories one level down (RUN_DIR was an --output directory)
  for (const auto& sub : entries_of(dir, true))
    if (fs::exists(dir / sub / "results.csv") || fs::exists(dir / sub / "nas.csv"))
      below.push_back((dir / sub).string());
  throw DataError(dir.string(), 0,
                  "no results.csv or nas.csv; " + expected +
                      ". It holds: " + (entries.empty() ? std::string("nothing") : join(entries)) +
                      (fs::exists(dir / "manifest.json") ? " (a study that has not finished any run yet?)" : "") +
                      (below.empty() ? std::string() : ". Run directories in it: " + join(below)));
}

}  // namespace

ReportOutcome write_report(const ReportOptions& options) {
  const fs::path run_dir = options.run_dir;
  check_run_dir(run_dir);
  ReportOutcome outcome;
  outcome.out_dir = options.out_dir.empty() ? run_dir / "report" : options.out_dir;
  std::error_code error;
  fs::create_directories(outcome.out_dir, error);
  if (error) throw Error("cannot create the report directory " + outcome.out_dir.string() + ": " + error.message());
  outcome.gnuplot = gnuplot_available();

  ReportDoc doc;
  doc.fields = read_manifest_fields(run_dir / "manifest.json");
  std::string name = run_dir.filename().string();
  if (name.empty() || name == ".") name = fs::absolute(run_dir).lexically_normal().parent_path().filename().string();
  for (const auto& [label, value] : doc.fields)
    if (label == "study") name = value;
  doc.title = "latpred report: " + name;
  doc.fields.insert(doc.fields.begin(), {"run directory", fs::absolute(run_dir).lexically_normal().string()});

  FigureOutput figures{outcome.out_dir, outcome.gnuplot, options.max_line_plots, options.max_scatter};
  if (fs::exists(run_dir / "results.csv"))
    for (auto& s : study_sections(read_results_csv(run_dir / "results.csv"), run_dir, figures))
      doc.sections.push_back(std::move(s));
  if (fs::exists(run_dir / "nas.csv"))
    for (auto& s : nas_sections(run_dir, figures)) doc.sections.push_back(std::move(s));
  for (const auto& section : doc.sections)
    for (const auto& block : section.blocks)
      if (block.kind == ReportBlock::Kind::figure) {
        ++outcome.figures;
        outcome.rendered += block.figure.rendered ? 1 : 0;
      }

  if (options.markdown) {
    outcome.documents.push_back(outcome.out_dir / "report.md");
    write_file_atomic(outcome.documents.back(), render_markdown(doc));
  }
  if (options.html) {
    outcome.documents.push_back(outcome.out_dir / "report.html");
    write_file_atomic(outcome.documents.back(), render_html(doc, outcome.out_dir));
  }
  if (!outcome.gnuplot && outcome.figures > 0)
    warn_gnuplot_missing("the tables, plot data and gnuplot scripts (" + outcome.out_dir.string() + "/*.gp)");
  return outcome;
}

}  // namespace latpred::cli
