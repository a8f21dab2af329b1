// Sampler plugin "random": k distinct candidates uniformly without replacement.
#include <algorithm>
#include <random>

#include "latpred/plugin.hpp"
#include "latpred/sampler.hpp"

namespace {

class RandomSampler : public latpred::Sampler {
 public:
  std::vector<int64_t> select(const latpred::SampleRequest& request) override {
    const auto n = static_cast<int64_t>(request.candidates.size());
    if (request.k < 0 || request.k > n) {
      throw latpred::Error("random sampler: cannot choose k=" + std::to_string(request.k) + " archs from " +
                           std::to_string(n) + " candidates");
    }
    std::vector<int64_t> pool = request.candidates;
    std::mt19937_64 rng(request.seed);
    // Partial Fisher-Yates: the first k positions become a uniform sample without replacement.
    for (int64_t i = 0; i < request.k; ++i) {
      std::uniform_int_distribution<int64_t> pick(i, n - 1);
      std::swap(pool[static_cast<std::size_t>(i)], pool[static_cast<std::size_t>(pick(rng))]);
    }
    pool.resize(static_cast<std::size_t>(request.k));
    return pool;
  }
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Sampler>("random", "k distinct candidate architectures, uniformly without replacement.",
                                 latpred::Schema(),
                                 [](const latpred::Params&) { return std::make_shared<RandomSampler>(); });
}

}  // namespace

LATPRED_PLUGIN("random_sampler", "1.0", register_components)
