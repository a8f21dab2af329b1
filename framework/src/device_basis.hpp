// Internal: the device basis of [expert_basis]. Each train device gets an additive latency model, a ridge
// regression of its log latency on per-position features (e.g. the one-hot of the op at every position), fitted on
// the run's source archs; the target's basis expert is then a ridge over the train devices' predictions, fitted on
// the k transfer samples. A target that is a mix of the train devices (FD, F1, F4) is ranked by such a mix better
// than by op counts, which cannot tell a layer's position (bench/results/basis_expert.md).
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "latpred/dataset.hpp"
#include "latpred/export.hpp"

namespace latpred {

// Archs x train devices: the log latency each train device's model (ridge `ridge` on `position_features` over
// `source_archs`) predicts for every arch of the space. Throws std::invalid_argument when there are no source archs
// or a fit is singular.
LATPRED_API at::Tensor device_basis(const Dataset& data, const at::Tensor& position_features,
                                    const std::vector<int>& train_devices, const std::vector<int64_t>& source_archs,
                                    double ridge);

}  // namespace latpred
