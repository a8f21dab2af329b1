// Shared by the CLI subcommands: global options, logging setup and plugin loading.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "latpred/plugin_loader.hpp"
#include "latpred/study.hpp"

namespace latpred::cli {

struct GlobalOptions {
  std::vector<std::string> plugin_paths;  // --plugin-path, searched before $LATPRED_PLUGIN_PATH and the default
  bool strict = false;                    // a plugin load error is fatal
  bool verbose = false;
  bool quiet = false;
  std::string command_line;       // for the run manifest
  std::vector<std::string> argv;  // as given, for re-executing this program (run --jobs workers)
};

// What a subcommand does once the command line is parsed; returns the exit code.
using Action = std::function<int()>;

struct CliContext {
  GlobalOptions global;
  Action action;
};

// Each subcommand file adds its subcommand(s) to the app and sets ctx.action from its callback.
void add_run_command(CLI::App& app, CliContext& ctx);
void add_plan_commands(CLI::App& app, CliContext& ctx);  // plan and check
void add_plugins_command(CLI::App& app, CliContext& ctx);
void add_tasks_command(CLI::App& app, CliContext& ctx);
void add_tasks_generator_commands(CLI::App& tasks, CliContext& ctx);
void add_measure_commands(CLI::App& app, CliContext& ctx);  // measure and zcp
void add_nas_command(CLI::App& app, CliContext& ctx);
void add_report_command(CLI::App& app, CliContext& ctx);
void add_merge_command(CLI::App& app, CliContext& ctx);
void add_encode_command(CLI::App& app, CliContext& ctx);

// Logs to stderr (stdout stays clean for `plan` output); -v = debug, -q = warnings only.
void setup_logging(const GlobalOptions& global);

// Loads every plugin on the search path. Load errors are warnings, or an Error with --strict.
std::unique_ptr<PluginHost> load_plugins(const GlobalOptions& global);
std::vector<std::string> plugin_names(const PluginHost& host);

// The arguments `run`, `plan` and `check` share.
struct StudyArgs {
  std::string study;
  std::vector<std::string> sets;  // --set k=v
  std::string output;             // --output
  std::string tasks_dir;          // --tasks-dir
};
void add_study_options(CLI::App& command, StudyArgs& args);
// --set, --output and --tasks-dir only, for commands that take their study files themselves.
void add_study_overrides(CLI::App& command, StudyArgs& args);
// Loads and validates the study against the registry of the loaded plugins.
Study load_study_with(const StudyArgs& args, const PluginHost& host);

// One line per parameter of a schema: name, type, default, range/choices, doc.
std::string describe_schema(const Schema& schema, const std::string& indent);

}  // namespace latpred::cli
