// DeviceRep plugin "reference_latency": a device is represented by its min-max normalised latencies on a fixed set
// of reference archs (HELP's hardware embedding, NASFLAT_METHOD §5.5), passed through a small MLP; optionally
// concatenated with a learned per-device embedding.
#include <ATen/ATen.h>
#include <spdlog/spdlog.h>
#include <torch/nn/modules/container/sequential.h>

#include <cmath>
#include <set>

#include "latpred/devicerep.hpp"
#include "latpred/error.hpp"
#include "latpred/metrics.hpp"
#include "latpred/nn.hpp"
#include "latpred/plugin.hpp"
#include "reference_set.hpp"

namespace {

struct ReferenceOptions {
  std::string reference;
  std::vector<int64_t> indices;
  int64_t count = 10;
  bool mlp = true;
  std::vector<int64_t> hidden_dims;
  int64_t out_dim = 8;
  bool combine_learned = false;
  int64_t learned_dim = 8;
  bool learned_transfer_init = true;
};

// The train device whose normalised latencies have the highest Spearman with the target's on the transfer archs
// (as learned_embedding); NaN correlations never win; -1 if none is defined.
int most_correlated_source(const latpred::TransferContext& context) {
  const latpred::Dataset& data = *context.data;
  int best = -1;
  double best_rho = -2.0;
  for (int source : context.train_devices) {
    std::vector<double> a, b;
    for (int64_t arch : context.transfer_archs) {
      const float x = data.normalized(source)[arch];
      if (std::isnan(x)) continue;
      a.push_back(x);
      b.push_back(data.normalized(context.target)[arch]);
    }
    const double rho = latpred::spearman(a, b);
    if (!std::isnan(rho) && rho > best_rho) {
      best_rho = rho;
      best = source;
    }
  }
  return best;
}

class ReferenceLatency : public latpred::DeviceRep {
 public:
  explicit ReferenceLatency(ReferenceOptions options) : options_(std::move(options)) {}

  void prepare(const latpred::DeviceContext& context) override {
    const latpred::Dataset& data = *context.data;
    archs_ = reference_archs(context);
    // Rows of devices outside the task stay zero: they are never looked up, and may lack the reference archs.
    at::Tensor table = at::zeros({data.num_devices(), static_cast<int64_t>(archs_.size())}, at::kFloat);
    std::set<int> devices(context.train_devices.begin(), context.train_devices.end());
    devices.insert(context.test_devices.begin(), context.test_devices.end());
    for (int d : devices) {
      const std::vector<float> row = latpred::reference::normalized_reference_latencies(data, d, archs_);
      table[d].copy_(at::tensor(row, at::kFloat));
    }
    table_ = register_buffer("reference_latencies", table);
    spdlog::info("reference_latency: {} reference archs ({}); each target device needs these {} extra measurements",
                 archs_.size(), options_.reference, archs_.size());

    if (options_.mlp)
      mlp_ = register_module("mlp", latpred::make_mlp(table.size(1), options_.out_dim, {options_.hidden_dims}));
    if (options_.combine_learned)
      learned_ = register_parameter("learned", at::randn({data.num_devices(), options_.learned_dim}));
  }

  int64_t dim() const override {
    const int64_t base = options_.mlp ? options_.out_dim : static_cast<int64_t>(archs_.size());
    return base + (options_.combine_learned ? options_.learned_dim : 0);
  }

  at::Tensor forward(const at::Tensor& device) override {
    // The MLP runs over the device table (one row per device), then rows are gathered: every occurrence of a
    // device gets bitwise the same vector (a GEMM's rounding may differ between rows of one batch).
    const at::Tensor out = (options_.mlp ? mlp_->forward(table_) : table_).index_select(0, device);
    return learned_.defined() ? at::cat({out, learned_.index_select(0, device)}, 1) : out;
  }

  void begin_transfer(const latpred::TransferContext& context) override {
    if (!learned_.defined() || !options_.learned_transfer_init) return;
    const int source = most_correlated_source(context);
    if (source < 0) return;
    at::NoGradGuard no_grad;
    learned_[context.target].copy_(learned_[source]);
  }

 private:
  std::vector<int64_t> reference_archs(const latpred::DeviceContext& context) const {
    namespace ref = latpred::reference;
    if (options_.reference == "help") return ref::help_archs(*context.data, context.data_dir);
    if (options_.reference == "indices") return ref::checked_indices(*context.data, options_.indices);
    return ref::spread_archs(*context.data, context.train_devices, options_.count);
  }

  ReferenceOptions options_;
  std::vector<int64_t> archs_;
  at::Tensor table_, learned_;
  torch::nn::Sequential mlp_{nullptr};
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::DeviceRep>(
      "reference_latency",
      "The device's latencies on a fixed set of reference archs, min-max normalised within the set (HELP's hardware "
      "embedding), through a small MLP. reference = help: HELP's 10 archs per space "
      "(help_latency/csv/help_hardware_embedding_index.json); indices: the archs listed in `indices`; spread: "
      "`count` archs at the midpoint quantiles (i + 0.5)/count of the mean normalised latency over the train "
      "devices, among archs measured on all of them. A reference arch missing on a device is replaced by the mean "
      "of its measured ones (warned); fewer than 2 measured is an error. NOTE: a target device needs its "
      "latencies on the |reference| archs too: count them as extra measurements on top of the k transfer samples.",
      latpred::Schema()
          .choice("reference", "spread", {"help", "indices", "spread"}, "how the reference archs are chosen")
          .integers("indices", {}, "the reference arch indices when reference = \"indices\"", 0)
          .integer("count", 10, "number of reference archs when reference = \"spread\"", 2, 1000)
          .flag("mlp", true,
                "pass the reference latencies through an MLP; false: the normalised latencies themselves (for models "
                "that embed them, e.g. help)")
          .integers("hidden_dims", {32}, "hidden widths of the MLP over the reference latencies", 1, 4096)
          .integer("out_dim", 8, "output width of the MLP", 1, 4096)
          .flag("combine_learned", false, "concatenate a learned per-device embedding to the MLP output")
          .integer("learned_dim", 8, "width of the learned embedding (combine_learned = true)", 1, 1024)
          .choice("transfer_init", "most_correlated_source", {"none", "most_correlated_source"},
                  "initialisation of the target's learned embedding before transfer (as learned_embedding)"),
      [](const latpred::Params& p) {
        ReferenceOptions o;
        o.reference = p.get_string("reference");
        o.indices = p.get_ints("indices");
        o.count = p.get_int("count");
        o.mlp = p.get_bool("mlp");
        o.hidden_dims = p.get_ints("hidden_dims");
        o.out_dim = p.get_int("out_dim");
        o.combine_learned = p.get_bool("combine_learned");
        o.learned_dim = p.get_int("learned_dim");
        o.learned_transfer_init = p.get_string("transfer_init") == "most_correlated_source";
        if (o.reference != "indices" && !o.indices.empty()) {
          throw latpred::ConfigError({}, "devicerep.indices", "indices are only used with reference = \"indices\"");
        }
        return std::make_shared<ReferenceLatency>(std::move(o));
      });
}

}  // namespace

LATPRED_PLUGIN("reference_latency_devicerep", "1.0", register_components)
