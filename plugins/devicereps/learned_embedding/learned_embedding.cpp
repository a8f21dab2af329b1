// DeviceRep plugin "learned_embedding": one learnable vector per device (NASFLAT_METHOD §3.5). Before transfer to
// a target, its row can be initialised from the source device whose latencies correlate best with the target's on
// the k transfer archs.
#include <ATen/ATen.h>
#include <spdlog/spdlog.h>

#include <cmath>

#include "latpred/devicerep.hpp"
#include "latpred/metrics.hpp"
#include "latpred/plugin.hpp"

namespace {

class LearnedEmbedding : public latpred::DeviceRep {
 public:
  LearnedEmbedding(int64_t dim, std::string transfer_init) : dim_(dim), transfer_init_(std::move(transfer_init)) {}

  void prepare(const latpred::DeviceContext& context) override {
    // N(0,1) rows like torch.nn.Embedding; unused rows (devices outside the task) stay at their init.
    table_ = register_parameter("table", at::randn({context.data->num_devices(), dim_}));
  }
  int64_t dim() const override { return dim_; }
  at::Tensor forward(const at::Tensor& device) override { return table_.index_select(0, device); }

  void begin_transfer(const latpred::TransferContext& context) override {
    if (transfer_init_ != "most_correlated_source") return;
    const int source = most_correlated_source(context);
    if (source < 0) return;
    at::NoGradGuard no_grad;
    table_[context.target].copy_(table_[source]);
    spdlog::debug("learned_embedding: target {} initialised from {}", context.data->device(context.target).name,
                  context.data->device(source).name);
  }

 private:
  // The source with the highest Spearman on the transfer archs. NaN correlations (e.g. all-tied integer-ms
  // latencies) never win; ties go to the first source in task order. -1 if no correlation is defined.
  static int most_correlated_source(const latpred::TransferContext& context) {
    const latpred::Dataset& data = *context.data;
    std::vector<double> target;
    for (int64_t arch : context.transfer_archs) target.push_back(data.normalized(context.target)[arch]);
    int best = -1;
    double best_rho = -2.0;
    for (int source : context.train_devices) {
      std::vector<double> a, b;
      for (std::size_t i = 0; i < context.transfer_archs.size(); ++i) {
        const float x = data.normalized(source)[context.transfer_archs[i]];
        if (std::isnan(x)) continue;
        a.push_back(x);
        b.push_back(target[i]);
      }
      const double rho = latpred::spearman(a, b);
      if (!std::isnan(rho) && rho > best_rho) {
        best_rho = rho;
        best = source;
      }
    }
    return best;
  }

  int64_t dim_;
  std::string transfer_init_;
  at::Tensor table_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::DeviceRep>(
      "learned_embedding",
      "A learnable embedding row per device (N(0,1) init). transfer_init = most_correlated_source copies, before "
      "fine-tuning, the row of the training device whose latencies have the highest Spearman with the target's on "
      "the transfer samples.",
      latpred::Schema()
          .integer("dim", 8, "embedding width", 1, 1024)
          .choice("transfer_init", "most_correlated_source", {"none", "most_correlated_source"},
                  "how the target device's row is initialised before transfer"),
      [](const latpred::Params& p) {
        return std::make_shared<LearnedEmbedding>(p.get_int("dim"), p.get_string("transfer_init"));
      });
}

}  // namespace

LATPRED_PLUGIN("learned_embedding_devicerep", "1.0", register_components)
