// Encoder plugin "op_counts": a flat vector per arch derived from the search space only: the one-hot of the op id
// at every position (NB201 6 edges x 5 ops, FBNet 22 layers x 9 blocks) followed by how often each op id occurs.
#include <ATen/ATen.h>

#include "latpred/encoder.hpp"
#include "latpred/plugin.hpp"

namespace {

class OpCountsEncoder : public latpred::Encoder {
 public:
  OpCountsEncoder(bool onehot, bool counts, bool normalize) : onehot_(onehot), counts_(counts), normalize_(normalize) {}

  latpred::ArchFeatures encode(const latpred::Dataset& data) override {
    const latpred::SearchSpace& space = data.space();
    const int64_t positions = space.num_choices();
    const int64_t values = space.num_op_values();
    const int64_t onehot_dim = onehot_ ? positions * values : 0;
    const int64_t width = onehot_dim + (counts_ ? values : 0);
    // Counts divided by the number of positions lie in [0, 1] like the one-hot part.
    const float count_weight = normalize_ ? 1.0f / static_cast<float>(positions) : 1.0f;
    at::Tensor vec = at::zeros({data.num_archs(), width}, at::kFloat);
    float* out = vec.data_ptr<float>();
    for (int64_t arch = 0; arch < data.num_archs(); ++arch) {
      float* row = out + arch * width;
      const std::vector<int>& ops = data.arch_ops(arch);
      for (int64_t pos = 0; pos < positions; ++pos) {
        const int op = ops[static_cast<std::size_t>(pos)];
        if (onehot_) row[pos * values + op] = 1.0f;
        if (counts_) row[onehot_dim + op] += count_weight;
      }
    }
    latpred::ArchFeatures features;
    features.vec = vec;
    return features;
  }

 private:
  bool onehot_, counts_, normalize_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Encoder>(
      "op_counts",
      "Flat encoding from the search space alone: per-position one-hot of the op ids (NB201 6x5, FBNet 22x9, "
      "row-major by position) followed by the count of each op id. Produces only a flat vector (use model mlp, "
      "or use it as a supplementary encoder of a GNN).",
      latpred::Schema()
          .choice("features", "both", {"onehot", "counts", "both"},
                  "onehot: per-position one-hot only; counts: op counts only; both: one-hot then counts")
          .flag("normalize", true, "divide the op counts by the number of positions (so they lie in [0, 1])"),
      [](const latpred::Params& p) {
        const std::string& features = p.get_string("features");
        return std::make_shared<OpCountsEncoder>(features != "counts", features != "onehot", p.get_bool("normalize"));
      });
}

}  // namespace

LATPRED_PLUGIN("op_counts_encoder", "1.0", register_components)
