// Sampler plugin "cosine_greedy": start at a uniformly random candidate, then repeatedly take the candidate least
// cosine-similar to the last one chosen (NASFLAT_METHOD §5.2). The reference may revisit an arch (duplicates,
// 2-cycles); here the argmin runs over the candidates not chosen yet, i.e. a repeat is replaced by the next best.
#include <limits>
#include <random>

#include "cosine.hpp"
#include "latpred/plugin.hpp"

namespace {

namespace smp = latpred::samplers;

class CosineGreedySampler : public latpred::Sampler {
 public:
  std::vector<int64_t> select(const latpred::SampleRequest& request) override {
    smp::check_request(request, "cosine_greedy");
    if (request.k == 0) return {};
    const smp::FeatureMatrix x = smp::candidate_features(request, "cosine_greedy");
    const std::vector<float> unit = smp::unit_rows(x);
    std::mt19937_64 rng(smp::stream_seed(request.seed, 0));
    std::vector<char> taken(static_cast<std::size_t>(x.n), 0);
    int64_t last = std::uniform_int_distribution<int64_t>(0, x.n - 1)(rng);
    std::vector<int64_t> picks{last};
    taken[last] = 1;
    while (static_cast<int64_t>(picks.size()) < request.k) {
      int64_t next = -1;
      double lowest = std::numeric_limits<double>::infinity();
      const float* a = &unit[last * x.d];
      for (int64_t i = 0; i < x.n; ++i) {  // candidates ascend, so ties go to the lower arch id
        if (taken[i]) continue;
        double dot = 0.0;
        for (int64_t j = 0; j < x.d; ++j) dot += static_cast<double>(a[j]) * unit[i * x.d + j];
        if (dot < lowest) lowest = dot, next = i;
      }
      taken[next] = 1;
      picks.push_back(next);
      last = next;
    }
    return smp::to_archs(request, picks);
  }
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Sampler>(
      "cosine_greedy",
      "Greedy chain on the candidates' flat features: a uniformly random start, then k-1 times the unchosen "
      "candidate with the lowest cosine similarity to the last chosen (ties by arch id).",
      latpred::Schema(), [](const latpred::Params&) { return std::make_shared<CosineGreedySampler>(); });
}

}  // namespace

LATPRED_PLUGIN("cosine_greedy_sampler", "1.0", register_components)
