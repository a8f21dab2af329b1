// Sampler plugin "first": the k candidates with the lowest arch indices, whatever the seed. HELP's and
// MultiPredict's reference code train on the first K archs of each source device; as `[source_sampler]` this
// reproduces that choice (latpred's default source sampler is "random").
#include <algorithm>

#include "latpred/plugin.hpp"
#include "latpred/sampler.hpp"
#include "sampler_util.hpp"

namespace {

class FirstSampler : public latpred::Sampler {
 public:
  std::vector<int64_t> select(const latpred::SampleRequest& request) override {
    latpred::samplers::check_request(request, "first");
    std::vector<int64_t> pool = request.candidates;
    // Candidates need not come sorted (e.g. a pool without the transfer samples).
    std::partial_sort(pool.begin(), pool.begin() + request.k, pool.end());
    pool.resize(static_cast<std::size_t>(request.k));
    return pool;
  }
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Sampler>(
      "first",
      "the k candidates with the lowest arch indices, independent of the seed (the reference HELP and MultiPredict "
      "source archs: the first K).",
      latpred::Schema(), [](const latpred::Params&) { return std::make_shared<FirstSampler>(); });
}

}  // namespace

LATPRED_PLUGIN("first_sampler", "1.0", register_components)
