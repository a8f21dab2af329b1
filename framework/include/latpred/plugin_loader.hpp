// Discovers and loads plugin libraries into a Registry, in stages; every failure is a structured PluginLoadError
// (file, stage, message, hint), collected rather than thrown, so one bad library never hides the others.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "latpred/export.hpp"
#include "latpred/registry.hpp"

namespace latpred {

enum class LoadStage { Scan, Inspect, Open, EntryPoint, Handshake, Register, Conflict };
LATPRED_API std::string to_string(LoadStage stage);

struct LATPRED_API PluginLoadError {
  std::string file;
  LoadStage stage = LoadStage::Scan;
  std::string message;
  std::string hint;
  std::string str() const;  // "file: [stage] message (hint: ...)"
};

struct LoadedPlugin {
  std::string name;
  std::string version;
  std::string file;                     // canonical path
  std::string sha256;                   // of the file, for the run manifest
  std::string torch_version;            // the plugin was built against
  std::vector<std::string> components;  // "kind/type"
};

struct PluginSearchOptions {
  std::vector<std::string> cli_paths;  // --plugin-path (files or directories), searched first
  bool use_env = true;                 // then $LATPRED_PLUGIN_PATH (':'-separated)
  bool use_default = true;             // then the build tree's / install prefix's plugin directory
};

class LATPRED_API PluginHost {
 public:
  PluginHost();
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Scans the search path and loads every *.so found. Returns the number of plugins loaded.
  int load_all(const PluginSearchOptions& options);
  // Loads one library file; failures are appended to errors() and false is returned.
  bool load(const std::filesystem::path& file);

  const Registry& registry() const { return registry_; }
  Registry& registry() { return registry_; }
  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const std::vector<PluginLoadError>& errors() const { return errors_; }
  std::vector<std::filesystem::path> search_path(const PluginSearchOptions& options) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Registry registry_;
  std::vector<LoadedPlugin> plugins_;
  std::vector<PluginLoadError> errors_;
};

// What `latpred plugins inspect FILE` shows without running any code of the library: the symbols of the latpred
// section. Throws Error (with the path) for an unreadable or non-ELF file.
LATPRED_API std::vector<std::string> inspect_plugin_symbols(const std::filesystem::path& file);

// The default plugin directory: the build tree's plugins/ when running from the build tree, else
// <prefix>/lib/latpred/plugins relative to liblatpred.
LATPRED_API std::filesystem::path default_plugin_dir();

// --strict: throws Error listing every load failure of `host` (one per line) if there is any.
LATPRED_API void throw_if_errors(const PluginHost& host);

}  // namespace latpred
