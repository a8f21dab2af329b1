#include "sampler_util.hpp"

#include <algorithm>
#include <cmath>

namespace latpred::samplers {

void check_request(const SampleRequest& request, const std::string& sampler) {
  const auto n = static_cast<int64_t>(request.candidates.size());
  if (request.k < 0 || request.k > n) {
    throw Error(sampler + " sampler: cannot choose k=" + std::to_string(request.k) + " distinct archs from " +
                std::to_string(n) + " candidates (the archs measured on the device" +
                (request.device >= 0 && request.data ? " '" + request.data->device(request.device).name + "'" : "") +
                "); use a smaller k");
  }
}

uint64_t stream_seed(uint64_t seed, uint64_t stream) {
  // splitmix64 of the seed mixed with the stream number.
  uint64_t x = seed ^ (0x9e3779b97f4a7c15ULL * (stream + 1));
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::vector<std::pair<int64_t, int64_t>> bucket_bounds(int64_t n, int64_t k) {
  std::vector<std::pair<int64_t, int64_t>> out;
  int64_t begin = 0;
  for (int64_t b = 0; b < k; ++b) {
    const int64_t size = n / k + (b < n % k ? 1 : 0);
    out.emplace_back(begin, begin + size);
    begin += size;
  }
  return out;
}

std::vector<int64_t> order_by(const std::vector<double>& score, const std::vector<int64_t>& candidates,
                              const std::string& what) {
  for (std::size_t i = 0; i < score.size(); ++i)
    if (std::isnan(score[i])) throw Error(what + " of arch " + std::to_string(candidates[i]) + " is NaN");
  std::vector<int64_t> order(score.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    if (score[a] != score[b]) return score[a] < score[b];
    return candidates[a] < candidates[b];
  });
  return order;
}

std::vector<int64_t> pick_per_bucket(const std::vector<int64_t>& ordered, int64_t k, std::mt19937_64& rng,
                                     const std::vector<char>& taken) {
  std::vector<int64_t> picks;
  std::vector<int64_t> free;
  for (const auto& [begin, end] : bucket_bounds(static_cast<int64_t>(ordered.size()), k)) {
    free.clear();
    for (int64_t i = begin; i < end; ++i)
      if (taken.empty() || !taken[ordered[i]]) free.push_back(ordered[i]);
    if (free.empty()) {
      picks.push_back(-1);
      continue;
    }
    std::uniform_int_distribution<std::size_t> pick(0, free.size() - 1);
    picks.push_back(free[pick(rng)]);
  }
  return picks;
}

std::vector<int64_t> fill_distinct(const std::vector<int64_t>& picks, int64_t n, int64_t k, std::mt19937_64& rng) {
  std::vector<char> used(static_cast<std::size_t>(n), 0);
  std::vector<int64_t> out;
  for (int64_t p : picks) {
    if (p < 0 || used[p] || static_cast<int64_t>(out.size()) == k) continue;
    used[p] = 1;
    out.push_back(p);
  }
  if (static_cast<int64_t>(out.size()) < k) {
    std::vector<int64_t> unused;
    for (int64_t i = 0; i < n; ++i)
      if (!used[i]) unused.push_back(i);
    // Partial Fisher-Yates over the unused positions.
    for (std::size_t i = 0; static_cast<int64_t>(out.size()) < k; ++i) {
      std::uniform_int_distribution<std::size_t> pick(i, unused.size() - 1);
      std::swap(unused[i], unused[pick(rng)]);
      out.push_back(unused[i]);
    }
  }
  return out;
}

std::vector<int64_t> to_archs(const SampleRequest& request, const std::vector<int64_t>& positions) {
  std::vector<int64_t> out;
  for (int64_t p : positions) out.push_back(request.candidates[static_cast<std::size_t>(p)]);
  return out;
}

FeatureMatrix candidate_features(const SampleRequest& request, const std::string& sampler) {
  if (!request.features || !request.features->vec.defined()) {
    throw ConfigError({}, "sampler_features",
                      sampler +
                          " sampler reads a flat feature vector per architecture, but the features it was given have "
                          "none (the encoder produces only a graph). Add a [sampler_features] table with an encoder "
                          "that produces one (e.g. type = \"op_counts\"), or use an encoder with a flat vector");
  }
  const at::Tensor vec = request.features->vec.to(at::kFloat).contiguous();
  const int64_t archs = request.data ? request.data->num_archs() : -1;
  if (vec.dim() != 2 || (archs >= 0 && vec.size(0) != archs)) {
    throw Error(sampler + " sampler: the feature vector must be (archs x dims) with one row per arch of the dataset (" +
                std::to_string(archs) + "), got " + std::to_string(vec.dim()) + " dims with " +
                std::to_string(vec.size(0)) + " rows");
  }
  FeatureMatrix m;
  m.n = static_cast<int64_t>(request.candidates.size());
  m.d = vec.size(1);
  m.x.resize(static_cast<std::size_t>(m.n * m.d));
  const float* src = vec.data_ptr<float>();
  for (int64_t i = 0; i < m.n; ++i) {
    const int64_t arch = request.candidates[static_cast<std::size_t>(i)];
    if (arch < 0 || arch >= vec.size(0))
      throw Error(sampler + " sampler: candidate arch " + std::to_string(arch) + " has no feature row");
    std::copy(src + arch * m.d, src + (arch + 1) * m.d, m.x.begin() + i * m.d);
    for (int64_t j = 0; j < m.d; ++j)
      if (!std::isfinite(m.x[i * m.d + j]))
        throw Error(sampler + " sampler: feature " + std::to_string(j) + " of arch " + std::to_string(arch) +
                    " is not finite");
  }
  return m;
}

}  // namespace latpred::samplers
