// latpred plan / latpred check: expand and validate a study without running anything.
#include <iostream>

#include <fmt/format.h>

#include "cli_common.hpp"

namespace latpred::cli {
namespace {

void print_plan(const Study& study) {
  std::cout << fmt::format("study '{}': {} runs ({} sweep, seeds {}) -> {}\n", study.name, study.runs.size(),
                           study.sweep_mode, to_string(ParamValue(study.seeds)), study.run_dir().string());
  std::vector<std::size_t> widths;
  for (const auto& key : study.swept_keys) widths.push_back(key.size());
  for (const auto& run : study.runs)
    for (std::size_t i = 0; i < run.swept.size(); ++i) widths[i] = std::max(widths[i], run.swept[i].value.size());
  std::string header = fmt::format("{:>4}  {:<16}  {:>6}", "#", "run key", "seed");
  for (std::size_t i = 0; i < widths.size(); ++i) header += fmt::format("  {:<{}}", study.swept_keys[i], widths[i]);
  const auto print = [](std::string line) {
    line.erase(line.find_last_not_of(' ') + 1);  // the last column is padded too
    std::cout << line << "\n";
  };
  print(header);
  for (std::size_t r = 0; r < study.runs.size(); ++r) {
    const StudyRun& run = study.runs[r];
    std::string line = fmt::format("{:>4}  {:<16}  {:>6}", r + 1, run.key, run.config.seed);
    for (std::size_t i = 0; i < run.swept.size(); ++i) line += fmt::format("  {:<{}}", run.swept[i].value, widths[i]);
    print(line);
  }
}

}  // namespace

void add_plan_commands(CLI::App& app, CliContext& ctx) {
  auto* plan = app.add_subcommand("plan", "Print the expanded runs of a study (run key, seed, swept values)");
  auto plan_args = std::make_shared<StudyArgs>();
  add_study_options(*plan, *plan_args);
  auto* resolved = plan->add_flag("--resolved", "print the resolved config of every run instead of the table");
  plan->callback([&ctx, plan_args, resolved] {
    ctx.action = [&ctx, plan_args, resolved] {
      const auto host = load_plugins(ctx.global);
      const Study study = load_study_with(*plan_args, *host);
      if (resolved->count()) {
        std::cout << resolved_study_toml(study);
      } else {
        print_plan(study);
      }
      return 0;
    };
  });

  auto* check = app.add_subcommand(
      "check", "Validate studies (includes, components, parameters, sweep) and exit; non-zero if any is invalid");
  auto check_args = std::make_shared<StudyArgs>();
  auto check_files = std::make_shared<std::vector<std::string>>();
  // Several files share one plugin load: checking every study of the repository is one process, not one per study.
  check->add_option("studies", *check_files, "study TOML files")->required()->check(CLI::ExistingFile);
  add_study_overrides(*check, *check_args);
  check->callback([&ctx, check_args, check_files] {
    ctx.action = [&ctx, check_args, check_files] {
      const auto host = load_plugins(ctx.global);
      int first_error_code = 0;
      std::size_t invalid = 0;
      for (const auto& file : *check_files) {
        StudyArgs args = *check_args;
        args.study = file;
        try {
          const Study study = load_study_with(args, *host);
          std::cout << fmt::format("{}: ok ({} runs)\n", file, study.runs.size());
        } catch (const Error& e) {
          // Report every invalid study, not only the first; the exit code is the first failure's.
          std::cerr << fmt::format("error: {}\n", e.what());
          if (first_error_code == 0) first_error_code = e.exit_code();
          ++invalid;
        }
      }
      if (check_files->size() > 1)
        std::cout << fmt::format("{} studies checked, {} invalid\n", check_files->size(), invalid);
      return first_error_code;
    };
  });
}

}  // namespace latpred::cli
