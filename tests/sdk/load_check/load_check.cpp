// Checks an installed latpred from the outside: the default plugin directory is the prefix's, every plugin on the
// search path loads (strict), and the out-of-tree encoder "ext_op_counts" encodes a dataset correctly.
// Usage: load_check EXPECTED_DEFAULT_PLUGIN_DIR   (set LATPRED_PLUGIN_PATH to the example's build directory)
#include <ATen/Tensor.h>

#include <filesystem>
#include <iostream>

#include "latpred/encoder.hpp"
#include "latpred/plugin_loader.hpp"

namespace fs = std::filesystem;

int fail(const std::string& message) {
  std::cerr << "load_check: " << message << "\n";
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 2) return fail("usage: load_check EXPECTED_DEFAULT_PLUGIN_DIR");
  if (!fs::equivalent(latpred::default_plugin_dir(), argv[1])) {
    return fail("default plugin dir is " + latpred::default_plugin_dir().string() + ", expected " + argv[1]);
  }
  latpred::PluginHost host;
  host.load_all(latpred::PluginSearchOptions{});
  latpred::throw_if_errors(host);
  for (const auto& plugin : host.plugins()) std::cout << plugin.name << " " << plugin.file << "\n";

  auto space = std::shared_ptr<const latpred::SearchSpace>(latpred::make_nb201_space());
  latpred::Dataset data(space, {{0, 1, 2, 3, 4, 3}, {3, 3, 3, 3, 3, 3}});
  latpred::Params params;
  params.set("normalize", false);
  const auto features = host.registry().create<latpred::Encoder>("ext_op_counts", params)->encode(data);
  // Op ids 0..4 counted per arch: {1,1,1,2,1} and {0,0,0,6,0}.
  const std::vector<float> expected = {1, 1, 1, 2, 1, 0, 0, 0, 6, 0};
  const at::Tensor vec = features.vec.contiguous();
  if (vec.numel() != static_cast<int64_t>(expected.size()) ||
      !std::equal(expected.begin(), expected.end(), vec.data_ptr<float>())) {
    return fail("ext_op_counts produced unexpected counts");
  }
  std::cout << "ext_op_counts encoded 2 archs correctly\n";
  return 0;
}
