// Shared helpers of the tests: where the real data is, and a registry with the build tree's plugins.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "latpred/plugin_loader.hpp"

namespace latpred::test {

// ../shared/data (via $LATPRED_SHARED_DATA, set by ctest), or "" when absent: data tests then warn and return.
inline std::string shared_data_dir() {
  const char* env = std::getenv("LATPRED_SHARED_DATA");
  std::filesystem::path dir = env ? env : LATPRED_SOURCE_DIR "/../shared/data";
  return std::filesystem::exists(dir / "help_latency") ? dir.string() : std::string();
}

// The plugins of the build tree, loaded once per test process.
inline PluginHost& build_plugins() {
  static std::unique_ptr<PluginHost> host = [] {
    auto h = std::make_unique<PluginHost>();
    PluginSearchOptions options;
    options.cli_paths = {LATPRED_BUILD_PLUGIN_DIR};
    options.use_env = false;
    options.use_default = false;
    h->load_all(options);
    return h;
  }();
  return *host;
}

}  // namespace latpred::test
