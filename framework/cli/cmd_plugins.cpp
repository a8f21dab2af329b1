// latpred plugins list | inspect FILE | check: what is loaded, what a library contains, and what failed to load.
#include <iostream>

#include <fmt/format.h>

#include "cli_common.hpp"

namespace latpred::cli {
namespace {

void print_components(const PluginHost& host, const LoadedPlugin& plugin, bool schemas) {
  for (const auto& component : plugin.components) {
    std::cout << "  " << component << "\n";
    const auto slash = component.find('/');
    const ComponentSpec* spec = host.registry().find(component.substr(0, slash), component.substr(slash + 1));
    if (!spec || !schemas) continue;
    if (!spec->help.empty()) std::cout << "      " << spec->help << "\n";
    std::cout << describe_schema(spec->schema, "      ");
  }
}

void print_plugin(const PluginHost& host, const LoadedPlugin& plugin, bool schemas) {
  std::cout << fmt::format("{} {}  ({}, LibTorch {}, sha256 {})\n", plugin.name, plugin.version, plugin.file,
                           plugin.torch_version, plugin.sha256.substr(0, 12));
  print_components(host, plugin, schemas);
}

void print_errors(const PluginHost& host) {
  for (const auto& error : host.errors()) std::cout << "not loaded: " << error.str() << "\n";
}

}  // namespace

void add_plugins_command(CLI::App& app, CliContext& ctx) {
  auto* plugins = app.add_subcommand("plugins", "List, inspect and check plugin libraries");
  plugins->require_subcommand(1);

  auto* list = plugins->add_subcommand("list", "List the loaded plugins and their components");
  auto* schemas = list->add_flag("-s,--schemas", "also print every component's parameters");
  list->callback([&ctx, schemas] {
    ctx.action = [&ctx, schemas] {
      const auto host = load_plugins(ctx.global);
      if (host->plugins().empty()) std::cout << "no plugins loaded\n";
      for (const auto& plugin : host->plugins()) print_plugin(*host, plugin, schemas->count() > 0);
      std::cout << "search path:";
      PluginSearchOptions options;
      options.cli_paths = ctx.global.plugin_paths;
      for (const auto& path : host->search_path(options)) std::cout << " " << path.string();
      std::cout << "\n";
      return 0;
    };
  });

  auto* inspect = plugins->add_subcommand("inspect", "Show a plugin library's latpred symbols without running it");
  auto file = std::make_shared<std::string>();
  inspect->add_option("file", *file, "plugin library (.so)")->required()->check(CLI::ExistingFile);
  auto* load = inspect->add_flag("--load", "also load it and print its components and their parameters");
  inspect->callback([&ctx, file, load] {
    ctx.action = [&ctx, file, load] {
      std::cout << *file << "\n";
      for (const auto& symbol : inspect_plugin_symbols(*file)) std::cout << "  symbol " << symbol << "\n";
      if (!load->count()) return 0;
      PluginHost host;
      const bool ok = host.load(*file);
      for (const auto& plugin : host.plugins()) print_plugin(host, plugin, true);
      print_errors(host);
      return ok ? 0 : 1;
    };
  });

  auto* check = plugins->add_subcommand("check", "Load every plugin on the search path and report each failure");
  check->callback([&ctx] {
    ctx.action = [&ctx] {
      GlobalOptions lenient = ctx.global;
      lenient.strict = false;  // report every failure rather than stopping at the first
      const auto host = load_plugins(lenient);
      for (const auto& plugin : host->plugins())
        std::cout << fmt::format("ok          {} {} ({})\n", plugin.name, plugin.version, plugin.file);
      print_errors(*host);
      std::cout << fmt::format("{} loaded, {} failed\n", host->plugins().size(), host->errors().size());
      return host->errors().empty() ? 0 : 1;
    };
  });
}

}  // namespace latpred::cli
