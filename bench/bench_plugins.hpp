// What every benchmark program starts with: the plugins of this build tree, loaded into a host.
#pragma once

#include "latpred/plugin_loader.hpp"

// LATPRED_BUILD_PLUGIN_DIR: set by bench/CMakeLists.txt for each benchmark.
inline const latpred::Registry& load_build_plugins(latpred::PluginHost& host) {
  latpred::PluginSearchOptions options;
  options.cli_paths = {LATPRED_BUILD_PLUGIN_DIR};
  host.load_all(options);
  return host.registry();
}
