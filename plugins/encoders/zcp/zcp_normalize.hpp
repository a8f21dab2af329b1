// Per-proxy normalisation of zero-cost proxies over the whole space (NASFLAT_METHOD §2.3).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace latpred_zcp {

enum class Transform { kMinMax, kLogMinMax, kZScore };

// NASFLAT's transform of each proxy: minmax(log1p) for fisher, flops, grad_norm, params, snip, synflow; z-score for
// grasp; minmax for the others.
Transform transform_of(const std::string& proxy);

struct NormalizeStats {
  int64_t undefined = 0;     // NaN / infinite cells, set to the proxy's minimum after normalisation
  int64_t negative_log = 0;  // negative values under log1p, mapped to -log1p(-x)
};

// Normalises `values` in place. minmax: (x - min) / (max - min); z-score: (x - mean) / std with the population std
// (numpy's default); a constant proxy maps to 0. log1p is applied sign-symmetrically, sign(x) * log1p(|x|): it is
// log1p for x >= 0 (every value of the reference data) and stays finite and monotone below -1, where log1p is
// undefined. Undefined cells become the smallest normalised value of the proxy (0 under minmax): an undefined
// score means the network has no signal for that proxy, ranked as the weakest. Throws std::invalid_argument when
// no value is finite.
NormalizeStats normalize(std::vector<double>& values, Transform transform);

}  // namespace latpred_zcp
