// Encoder "ext_op_counts": a third-party plugin built against the installed latpred SDK. Each architecture becomes
// the vector of how often each op id occurs in it (optionally divided by the number of choices).
#include <ATen/ops/zeros.h>

#include "latpred/encoder.hpp"
#include "latpred/plugin.hpp"

namespace {

class OpCountEncoder : public latpred::Encoder {
 public:
  explicit OpCountEncoder(bool normalize) : normalize_(normalize) {}

  latpred::ArchFeatures encode(const latpred::Dataset& data) override {
    const int64_t num_ops = data.space().num_op_values();
    at::Tensor counts = at::zeros({data.num_archs(), num_ops}, at::kFloat);
    float* out = counts.data_ptr<float>();
    for (int64_t arch = 0; arch < data.num_archs(); ++arch) {
      const std::vector<int>& ops = data.arch_ops(arch);
      const float weight = normalize_ ? 1.0f / static_cast<float>(ops.size()) : 1.0f;
      for (int op : ops) out[arch * num_ops + op] += weight;
    }
    latpred::ArchFeatures features;
    features.vec = counts;
    return features;
  }

 private:
  bool normalize_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Encoder>(
      "ext_op_counts", "Per-architecture op-count vector (one entry per op id of the search space).",
      latpred::Schema().flag("normalize", false, "divide the counts by the number of op choices"),
      [](const latpred::Params& p) { return std::make_shared<OpCountEncoder>(p.get_bool("normalize")); });
}

}  // namespace

LATPRED_PLUGIN("ext_op_counts", "0.1.0", register_components)
