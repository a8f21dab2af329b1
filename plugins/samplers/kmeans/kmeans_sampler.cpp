// Sampler plugin "kmeans": k-means on the candidates' flat features (the sampler's encoder, see [sampler_features]),
// then one uniformly random member per cluster (pick = "random", NASFLAT HEAD) or the candidate nearest to each
// centroid (pick = "nearest", the code state of the NB201 results; NASFLAT_METHOD §4.8, §5.2).
#include <random>

#include "kmeans_pick.hpp"
#include "latpred/plugin.hpp"

namespace {

namespace smp = latpred::samplers;

class KMeansSampler : public latpred::Sampler {
 public:
  explicit KMeansSampler(const latpred::Params& p) : params_(p), pick_(p.get_string("pick")) {}

  std::vector<int64_t> select(const latpred::SampleRequest& request) override {
    smp::check_request(request, "kmeans");
    if (request.k == 0) return {};
    const smp::FeatureMatrix x = smp::candidate_features(request, "kmeans");
    const std::vector<int64_t> picks =
        smp::kmeans_pick(x, smp::kmeans_options(params_, request.k), pick_, request.seed);
    std::mt19937_64 refill(smp::stream_seed(request.seed, 3));
    return smp::to_archs(request, smp::fill_distinct(picks, x.n, request.k, refill));
  }

 private:
  latpred::Params params_;
  std::string pick_;
};

void register_components(latpred::Registry& registry) {
  latpred::Schema schema;
  schema.choice("pick", "random", {"random", "nearest"},
                "random: one uniformly random member per cluster; nearest: the candidate nearest each centroid (a "
                "centroid whose nearest candidate is taken gets its next nearest)");
  smp::add_kmeans_params(schema);
  registry.add<latpred::Sampler>(
      "kmeans",
      "K-means (k-means++ init, seeded, best of n_init restarts) on the candidates' flat features into k clusters, "
      "one arch per cluster. An empty cluster (only possible with duplicate vectors) is refilled by a uniformly "
      "random unused candidate.",
      schema, [](const latpred::Params& p) { return std::make_shared<KMeansSampler>(p); });
}

}  // namespace

LATPRED_PLUGIN("kmeans_sampler", "1.0", register_components)
