// The plugin ABI. A plugin library declares itself with one macro:
//
//   static void register_components(latpred::Registry& r) { r.add<latpred::Sampler>("random", ...); }
//   LATPRED_PLUGIN("random_sampler", "1.0", register_components)
//
// The macro exports one C-linkage symbol through Boost.DLL in the section "latpred". Its alias name carries the ABI
// version (latpred_plugin_abi_<N>), so the loader can reject an incompatible library by reading the section,
// before running any of its code. The symbol is a POD PluginInfo; the loader checks it (handshake) and then calls
// register_fn with a staging registry.
#pragma once

#include <cstdint>

#include <torch/version.h>
#include <boost/dll/alias.hpp>

#include "latpred/registry.hpp"

// Bump on any change to PluginInfo, Registry, Component or the four interfaces that breaks binary compatibility.
// 2: Dataset::data_dir; 3: Model::training_strategy, SampleRequest without data_dir
#define LATPRED_ABI_VERSION 3
#define LATPRED_PLUGIN_SECTION latpred
#define LATPRED_STRINGIFY_IMPL(x) #x
#define LATPRED_STRINGIFY(x) LATPRED_STRINGIFY_IMPL(x)
#define LATPRED_CONCAT_IMPL(a, b) a##b
#define LATPRED_CONCAT(a, b) LATPRED_CONCAT_IMPL(a, b)
#define LATPRED_PLUGIN_ALIAS LATPRED_CONCAT(latpred_plugin_abi_, LATPRED_ABI_VERSION)

namespace latpred {

extern "C" {
struct PluginInfo {
  std::uint32_t abi_version;
  const char* name;
  const char* version;
  const char* torch_version;  // TORCH_VERSION the plugin was compiled against
  int cxx11_abi;              // _GLIBCXX_USE_CXX11_ABI of the plugin
  void (*register_fn)(Registry&);
};
}

inline constexpr std::uint32_t kAbiVersion = LATPRED_ABI_VERSION;
inline constexpr const char* kPluginAliasPrefix = "latpred_plugin_abi_";
inline constexpr const char* kPluginSection = LATPRED_STRINGIFY(LATPRED_PLUGIN_SECTION);

}  // namespace latpred

#define LATPRED_PLUGIN(NAME, VERSION, REGISTER_FN)                                                \
  extern "C" const ::latpred::PluginInfo latpred_plugin_info_ = {                                 \
      LATPRED_ABI_VERSION, NAME, VERSION, TORCH_VERSION, _GLIBCXX_USE_CXX11_ABI, &(REGISTER_FN)}; \
  BOOST_DLL_ALIAS_SECTIONED(latpred_plugin_info_, LATPRED_PLUGIN_ALIAS, LATPRED_PLUGIN_SECTION)
