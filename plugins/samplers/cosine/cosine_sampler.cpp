// Sampler plugin "cosine": rank the candidates by their mean cosine similarity to all candidates (ascending: the
// most atypical first), then one random member of each of k buckets of that order (mode = "bucketed", NASFLAT HEAD)
// or simply the first k (mode = "topk", deterministic; NASFLAT_METHOD §4.8, §5.2).
#include <random>

#include "cosine.hpp"
#include "latpred/plugin.hpp"

namespace {

namespace smp = latpred::samplers;

class CosineSampler : public latpred::Sampler {
 public:
  explicit CosineSampler(std::string mode) : mode_(std::move(mode)) {}

  std::vector<int64_t> select(const latpred::SampleRequest& request) override {
    smp::check_request(request, "cosine");
    if (request.k == 0) return {};
    const smp::FeatureMatrix x = smp::candidate_features(request, "cosine");
    const std::vector<int64_t> order =
        smp::order_by(smp::mean_cosine(x), request.candidates, "cosine sampler: the mean cosine similarity");
    if (mode_ == "topk") return smp::to_archs(request, {order.begin(), order.begin() + request.k});
    std::mt19937_64 rng(smp::stream_seed(request.seed, 0));
    return smp::to_archs(request, smp::pick_per_bucket(order, request.k, rng));
  }

 private:
  std::string mode_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Sampler>(
      "cosine",
      "Mean cosine similarity m_i = mean_j cos(v_i, v_j) over the candidates' flat features (O(N D)), sorted "
      "ascending with ties by arch id; bucketed: one uniformly random member of each of k contiguous buckets; topk: "
      "the k lowest (most atypical), independent of the seed.",
      latpred::Schema().choice("mode", "bucketed", {"bucketed", "topk"},
                               "bucketed: one random member per bucket of the sorted order; topk: its first k"),
      [](const latpred::Params& p) { return std::make_shared<CosineSampler>(p.get_string("mode")); });
}

}  // namespace

LATPRED_PLUGIN("cosine_sampler", "1.0", register_components)
