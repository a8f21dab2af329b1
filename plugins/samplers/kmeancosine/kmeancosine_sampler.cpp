// Sampler plugin "kmeancosine" (NASFLAT HEAD's default embedding sampler, NASFLAT_METHOD §5.2): floor(k/2) archs
// from kmeans (one random member per cluster) and the other k - floor(k/2) from cosine (bucketed). The reference
// concatenates both halves with duplicates; here each cosine bucket draws among its members not already taken by
// the kmeans half, and a bucket with none left is refilled by a uniformly random unused candidate.
#include <random>

#include "cosine.hpp"
#include "kmeans_pick.hpp"
#include "latpred/plugin.hpp"

namespace {

namespace smp = latpred::samplers;

class KMeanCosineSampler : public latpred::Sampler {
 public:
  explicit KMeanCosineSampler(const latpred::Params& p) : params_(p) {}

  std::vector<int64_t> select(const latpred::SampleRequest& request) override {
    smp::check_request(request, "kmeancosine");
    if (request.k == 0) return {};
    const smp::FeatureMatrix x = smp::candidate_features(request, "kmeancosine");
    const int64_t from_kmeans = request.k / 2;
    std::vector<int64_t> picks = smp::kmeans_pick(x, smp::kmeans_options(params_, from_kmeans), "random", request.seed);
    std::vector<char> taken(static_cast<std::size_t>(x.n), 0);
    for (int64_t p : picks)
      if (p >= 0) taken[p] = 1;
    const std::vector<int64_t> order =
        smp::order_by(smp::mean_cosine(x), request.candidates, "kmeancosine sampler: the mean cosine similarity");
    std::mt19937_64 rng(smp::stream_seed(request.seed, 0));
    for (int64_t p : smp::pick_per_bucket(order, request.k - from_kmeans, rng, taken)) picks.push_back(p);
    std::mt19937_64 refill(smp::stream_seed(request.seed, 3));
    return smp::to_archs(request, smp::fill_distinct(picks, x.n, request.k, refill));
  }

 private:
  latpred::Params params_;
};

void register_components(latpred::Registry& registry) {
  latpred::Schema schema;
  smp::add_kmeans_params(schema);
  registry.add<latpred::Sampler>(
      "kmeancosine",
      "floor(k/2) archs from kmeans (random member per cluster) followed by k - floor(k/2) from cosine (bucketed, "
      "each bucket drawing among candidates the kmeans half did not take), all on the candidates' flat features.",
      schema, [](const latpred::Params& p) { return std::make_shared<KMeanCosineSampler>(p); });
}

}  // namespace

LATPRED_PLUGIN("kmeancosine_sampler", "1.0", register_components)
