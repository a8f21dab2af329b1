// Encoder plugin "flops_params": [FLOPs, params] of each architecture's network, computed analytically from the op
// list (arch_cost.hpp), log-scaled and min-max normalised over the dataset's architectures by default.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "arch_cost.hpp"
#include "latpred/encoder.hpp"
#include "latpred/plugin.hpp"

namespace {

class FlopsParamsEncoder : public latpred::Encoder {
 public:
  FlopsParamsEncoder(bool naslib_flops, bool log, bool normalize, int classes)
      : naslib_flops_(naslib_flops), log_(log), normalize_(normalize), classes_(classes) {}

  latpred::ArchFeatures encode(const latpred::Dataset& data) override {
    const std::string space = data.space().name();
    // 0 = the data set each space's networks were trained on: CIFAR-10 (NB201), CIFAR-100 (HW-NAS-Bench FBNet).
    const int classes = classes_ > 0 ? classes_ : space == "fbnet" ? 100 : 10;
    const int64_t n = data.num_archs();
    std::vector<double> values(static_cast<std::size_t>(2 * n));
    for (int64_t a = 0; a < n; ++a) {
      latpred_cost::ArchCost cost;
      try {
        cost = latpred_cost::arch_cost(space, data.arch_ops(a), classes);
      } catch (const std::invalid_argument& e) {
        throw latpred::Error("flops_params encoder, architecture " + std::to_string(a) + ": " + e.what());
      }
      const double flops = static_cast<double>(naslib_flops_ ? cost.naslib_flops : cost.macs);
      const double params = static_cast<double>(cost.params);
      // Raw values in millions keep float32 precise enough; the log is of the plain count.
      values[static_cast<std::size_t>(2 * a)] = log_ ? std::log(flops) : flops / 1e6;
      values[static_cast<std::size_t>(2 * a + 1)] = log_ ? std::log(params) : params / 1e6;
    }
    if (normalize_) {
      for (std::size_t col = 0; col < 2; ++col) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (std::size_t i = col; i < values.size(); i += 2) lo = std::min(lo, values[i]), hi = std::max(hi, values[i]);
        for (std::size_t i = col; i < values.size(); i += 2) values[i] = hi > lo ? (values[i] - lo) / (hi - lo) : 0.0;
      }
    }
    latpred::ArchFeatures features;
    features.vec = at::from_blob(values.data(), {n, 2}, at::kDouble).to(at::kFloat);  // a copy
    return features;
  }

 private:
  bool naslib_flops_, log_, normalize_;
  int classes_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Encoder>(
      "flops_params",
      "[FLOPs, params] of each architecture's network (NB201: C=16, N=5; FBNet: HW-NAS-Bench's CIFAR network; "
      "32x32 input), computed analytically from the op list with the conventions of latpred's built networks. "
      "Log-scaled and min-max normalised to [0, 1] over the dataset's architectures by default.",
      latpred::Schema()
          .choice("flops", "macs", {"macs", "naslib"},
                  "macs: multiply-accumulates of conv/linear layers (the usual 'FLOPs'); naslib: NASLib's flops "
                  "proxy convention (adds BN, ReLU, pooling and bias operations)")
          .choice("scale", "log", {"log", "raw"}, "log: natural log of the counts; raw: the counts in millions")
          .flag("normalize", true, "min-max normalise each column to [0, 1] over the dataset's architectures")
          .integer("classes", 0, "classifier outputs; 0 = the space's data set (nb201 10, fbnet 100)", 0, 100000),
      [](const latpred::Params& p) {
        return std::make_shared<FlopsParamsEncoder>(p.get_string("flops") == "naslib", p.get_string("scale") == "log",
                                                    p.get_bool("normalize"), static_cast<int>(p.get_int("classes")));
      });
}

}  // namespace

LATPRED_PLUGIN("flops_params_encoder", "1.0", register_components)
