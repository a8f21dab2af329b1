// latpred: the command-line front end. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration.
#include <algorithm>
#include <exception>
#include <iostream>

#include <torch/version.h>

#include "cli_common.hpp"
#include "latpred/allocator.hpp"
#include "latpred/blas_kernels.hpp"
#include "latpred/build_info.hpp"
#include "latpred/error.hpp"

namespace {

std::string joined_command_line(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) out += (i ? " " : "") + std::string(argv[i]);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  latpred::use_native_blas_kernels();  // may re-execute this process with faster OpenBLAS kernels
  latpred::tune_allocator_for_tensors();
  latpred::cli::CliContext ctx;
  ctx.global.command_line = joined_command_line(argc, argv);
  ctx.global.argv.assign(argv, argv + argc);
  CLI::App app{"latpred: few-shot neural-network latency prediction (NASFLAT) with pluggable components"};
  const std::string blas = latpred::openblas_kernels();
  app.set_version_flag("--version", std::string("latpred " LATPRED_VERSION " (git ") + latpred::build_git_revision() +
                                        ", LibTorch " TORCH_VERSION +
                                        (blas.empty() ? ")" : ", OpenBLAS kernels " + blas + ")"));
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  app.add_option("--plugin-path", ctx.global.plugin_paths,
                 "plugin library or directory, searched before $LATPRED_PLUGIN_PATH and the default (repeatable)");
  app.add_flag("--strict", ctx.global.strict, "treat any plugin load error as fatal");
  auto* verbose = app.add_flag("-v,--verbose", ctx.global.verbose, "debug output");
  app.add_flag("-q,--quiet", ctx.global.quiet, "warnings and errors only")->excludes(verbose);

  latpred::cli::add_run_command(app, ctx);
  latpred::cli::add_plan_commands(app, ctx);
  latpred::cli::add_plugins_command(app, ctx);
  latpred::cli::add_tasks_command(app, ctx);
  latpred::cli::add_measure_commands(app, ctx);
  latpred::cli::add_nas_command(app, ctx);
  latpred::cli::add_report_command(app, ctx);
  latpred::cli::add_merge_command(app, ctx);
  latpred::cli::add_encode_command(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::vector<std::string> commands;
    for (const auto* command : app.get_subcommands({})) commands.push_back(command->get_name());
    const bool unknown_command =
        argc > 1 && argv[1][0] != '-' && std::find(commands.begin(), commands.end(), argv[1]) == commands.end();
    if (unknown_command) {
      // CLI11 would only say "a subcommand is required": name the unknown command and the known ones instead.
      std::cerr << "error: unknown command '" << argv[1] << "'. " << latpred::did_you_mean(argv[1], commands)
                << "Commands: " << latpred::join(commands) << " (latpred --help)\n";
      return 2;
    }
    const int code = app.exit(e);  // prints help, the version, or the parse error
    return code == 0 ? 0 : 2;
  }
  try {
    latpred::cli::setup_logging(ctx.global);
    return ctx.action ? ctx.action() : 0;
  } catch (const latpred::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
