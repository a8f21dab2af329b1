#include "cli_common.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "latpred/blas_kernels.hpp"

namespace latpred::cli {

void setup_logging(const GlobalOptions& global) {
  auto logger = spdlog::stderr_color_mt("latpred");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%H:%M:%S %^%l%$ %v");
  spdlog::set_level(global.verbose ? spdlog::level::debug : global.quiet ? spdlog::level::warn : spdlog::level::info);
  if (const std::string note = blas_kernel_note(); !note.empty()) spdlog::info("{}", note);
}

std::unique_ptr<PluginHost> load_plugins(const GlobalOptions& global) {
  auto host = std::make_unique<PluginHost>();
  PluginSearchOptions options;
  options.cli_paths = global.plugin_paths;
  const int loaded = host->load_all(options);
  spdlog::debug("{} plugin(s) loaded", loaded);
  if (global.strict) throw_if_errors(*host);
  for (const auto& error : host->errors()) spdlog::warn("plugin not loaded: {}", error.str());
  return host;
}

std::vector<std::string> plugin_names(const PluginHost& host) {
  std::vector<std::string> names;
  for (const auto& plugin : host.plugins()) names.push_back(plugin.name);
  return names;
}

void add_study_options(CLI::App& command, StudyArgs& args) {
  command.add_option("study", args.study, "study TOML file")->required()->check(CLI::ExistingFile);
  add_study_overrides(command, args);
}

void add_study_overrides(CLI::App& command, StudyArgs& args) {
  command.add_option("--set", args.sets, "override a key, e.g. --set model.hidden=256 (TOML value; repeatable)");
  command.add_option("--output", args.output, "run directory root (replaces [study] output)");
  command.add_option("--tasks-dir", args.tasks_dir, "directory of task files (default: $LATPRED_TASKS or built-in)");
}

Study load_study_with(const StudyArgs& args, const PluginHost& host) {
  StudyOptions options;
  options.overrides = args.sets;
  options.output = args.output;
  options.tasks_dir = args.tasks_dir;
  options.plugins = plugin_names(host);
  return load_study(args.study, host.registry(), options);
}

std::string describe_schema(const Schema& schema, const std::string& indent) {
  std::string out;
  for (const auto& spec : schema.specs()) {
    std::string def = spec.default_value ? to_string(*spec.default_value) : "(required)";
    std::string limits;
    if (spec.min || spec.max)
      limits = fmt::format(" in [{}, {}]", spec.min ? fmt::format("{}", *spec.min) : "-inf",
                           spec.max ? fmt::format("{}", *spec.max) : "inf");
    if (!spec.choices.empty()) limits = " one of " + join(spec.choices, "|");
    out += fmt::format("{}{:<18} {:<11} = {}{}  {}\n", indent, spec.name, to_string(spec.type), def, limits, spec.doc);
  }
  return out;
}

}  // namespace latpred::cli
