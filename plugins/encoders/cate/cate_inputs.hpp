// The CATE training inputs of a dataset: node-label tokens, reachability masks and the cost the pairs are formed on.
#pragma once

#include "cate_train.hpp"
#include "latpred/dataset.hpp"

namespace latpred_cate {

// full: the space's full_graph instead of its NASFLAT graph; flops: pair on FLOPs (MACs) instead of params.
TrainData make_train_data(const latpred::Dataset& data, bool full, bool flops);

}  // namespace latpred_cate
