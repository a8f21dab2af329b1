// Cosine-similarity helpers of the cosine samplers (NASFLAT_METHOD §5.2).
#pragma once

#include <vector>

#include "sampler_util.hpp"

namespace latpred::samplers {

// Rows scaled to unit length; an all-zero row stays zero (its cosine with anything is taken as 0).
std::vector<float> unit_rows(const FeatureMatrix& x);

// m_i = mean_j cos(v_i, v_j) over all rows j (i included), in O(n d) as unit(v_i) . mean_j unit(v_j).
std::vector<double> mean_cosine(const FeatureMatrix& x);

}  // namespace latpred::samplers
