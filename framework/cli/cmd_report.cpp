// latpred report RUN_DIR: Markdown/HTML tables and gnuplot plots of a run directory (report/report.hpp).
#include <spdlog/spdlog.h>

#include "cli_common.hpp"
#include "latpred/error.hpp"
#include "report/report.hpp"

namespace latpred::cli {
namespace {

struct ReportArgs {
  std::string run_dir;
  std::string out;
  std::vector<std::string> formats = {"md", "html"};
};

int run_report(const ReportArgs& args) {
  ReportOptions options;
  options.run_dir = args.run_dir;
  options.out_dir = args.out;
  options.markdown = std::find(args.formats.begin(), args.formats.end(), "md") != args.formats.end();
  options.html = std::find(args.formats.begin(), args.formats.end(), "html") != args.formats.end();
  const ReportOutcome outcome = write_report(options);
  std::vector<std::string> documents;
  for (const auto& d : outcome.documents) documents.push_back(d.string());
  spdlog::info("report: wrote {} ({} of {} figures rendered)", join(documents), outcome.rendered, outcome.figures);
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, CliContext& ctx) {
  auto* command = app.add_subcommand(
      "report", "Markdown/HTML report of a run directory (latpred run or latpred nas): tables and gnuplot plots");
  auto args = std::make_shared<ReportArgs>();
  command->add_option("RUN_DIR", args->run_dir, "run directory, e.g. runs/quickstart")->required();
  command->add_option("--out", args->out, "output directory (default: RUN_DIR/report)");
  command->add_option("--format", args->formats, "md, html or both (default: md,html)")
      ->delimiter(',')
      ->check(CLI::IsMember({"md", "html"}));
  command->callback([&ctx, args] { ctx.action = [args] { return run_report(*args); }; });
}

}  // namespace latpred::cli
