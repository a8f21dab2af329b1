#include "latpred/nn.hpp"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

namespace latpred {

torch::nn::Sequential make_mlp(int64_t in, int64_t out, const MlpSpec& spec) {
  torch::nn::Sequential layers;
  for (const int64_t width : spec.hidden) {
    layers->push_back(torch::nn::Linear(in, width));
    if (spec.batch_norm) layers->push_back(torch::nn::BatchNorm1d(width));
    layers->push_back(torch::nn::ReLU());
    if (spec.dropout > 0) layers->push_back(torch::nn::Dropout(spec.dropout));
    in = width;
  }
  layers->push_back(torch::nn::Linear(in, out));
  return layers;
}

}  // namespace latpred
