// Building blocks of the sampler plugins. They work on positions into request.candidates (0..n-1) and map to arch
// ids only at the end, so a sampler can never return an arch outside the candidates.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "latpred/error.hpp"
#include "latpred/sampler.hpp"

namespace latpred::samplers {

// Throws Error naming the sampler unless 0 <= k <= candidates.
void check_request(const SampleRequest& request, const std::string& sampler);

// An independent seed for one random stream of a sampler (so adding a stream never shifts the others).
uint64_t stream_seed(uint64_t seed, uint64_t stream);

// numpy array_split of n items into k contiguous buckets: [begin, end) each, sizes differ by <= 1, larger first.
std::vector<std::pair<int64_t, int64_t>> bucket_bounds(int64_t n, int64_t k);

// Positions 0..n-1 sorted ascending by score; equal scores by ascending arch id. Throws Error on a NaN score.
std::vector<int64_t> order_by(const std::vector<double>& score, const std::vector<int64_t>& candidates,
                              const std::string& what);

// One uniformly random member of each of k buckets of `ordered`, among the members not marked in `taken` (which may
// be empty = none taken); -1 for a bucket whose members are all taken.
std::vector<int64_t> pick_per_bucket(const std::vector<int64_t>& ordered, int64_t k, std::mt19937_64& rng,
                                     const std::vector<char>& taken = {});

// Completes `picks` (positions, -1 = none, repeats allowed) to k distinct positions of 0..n-1: the first occurrence
// of each pick is kept in order, and what is missing is drawn uniformly at random among the unused positions.
std::vector<int64_t> fill_distinct(const std::vector<int64_t>& picks, int64_t n, int64_t k, std::mt19937_64& rng);

// Positions -> arch ids.
std::vector<int64_t> to_archs(const SampleRequest& request, const std::vector<int64_t>& positions);

// The flat features of the candidates: row i = request.features->vec row of candidates[i], float32.
struct FeatureMatrix {
  int64_t n = 0;
  int64_t d = 0;
  std::vector<float> x;  // n x d, row-major
  const float* row(int64_t i) const { return x.data() + i * d; }
};

// Throws ConfigError (key sampler_features) when the request has no flat vector, telling the user how to get one.
FeatureMatrix candidate_features(const SampleRequest& request, const std::string& sampler);

}  // namespace latpred::samplers
