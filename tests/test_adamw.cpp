#include <torch/optim/adamw.h>

#include <catch2/catch.hpp>

#include "adamw.hpp"

namespace {

// Two copies of the same parameters, one stepped by LibTorch's AdamW, the other by FusedAdamW.
std::vector<at::Tensor> random_parameters(int64_t seed) {
  at::manual_seed(seed);
  return {at::randn({7, 5}).requires_grad_(), at::randn({5}).requires_grad_(), at::randn({3, 2}).requires_grad_()};
}

void set_gradients(std::vector<at::Tensor>& params, int64_t step) {
  at::manual_seed(100 + step);
  for (std::size_t i = 0; i < params.size(); ++i) {
    // Parameter 2 has no gradient on odd steps: both optimisers skip it and keep its own step count.
    if (i == 2 && step % 2 == 1) {
      params[i].mutable_grad() = at::Tensor();
      continue;
    }
    params[i].mutable_grad() = at::randn(params[i].sizes()) * (1.0 + static_cast<double>(step));
  }
}

}  // namespace

TEST_CASE("FusedAdamW follows LibTorch's AdamW step for step", "[trainer][adamw]") {
  auto reference = random_parameters(1);
  auto fused = random_parameters(1);
  torch::optim::AdamW libtorch(reference, torch::optim::AdamWOptions(3e-2).weight_decay(0.1));
  latpred::FusedAdamW ours(fused, 3e-2, 0.1);
  for (int64_t step = 0; step < 12; ++step) {
    const double lr = 3e-2 / static_cast<double>(1 + step);  // a schedule, as the trainer's cosine one
    static_cast<torch::optim::AdamWOptions&>(libtorch.param_groups()[0].options()).lr(lr);
    ours.set_lr(lr);
    set_gradients(reference, step);
    set_gradients(fused, step);
    libtorch.step();
    ours.step();
    for (std::size_t i = 0; i < fused.size(); ++i) {
      INFO("step " << step << ", parameter " << i);
      CHECK(at::allclose(fused[i], reference[i], 1e-5, 1e-6));
    }
  }
  // The parameters moved (a step that did nothing would also "agree").
  CHECK_FALSE(at::allclose(fused[0], random_parameters(1)[0], 1e-2, 1e-3));
  // zero_grad zeroes gradients and keeps them defined, as LibTorch's does.
  ours.zero_grad();
  CHECK(fused[0].grad().defined());
  CHECK(fused[0].grad().abs().sum().item<float>() == 0.0f);
}

TEST_CASE("FusedAdamW refuses parameters it cannot update in place", "[trainer][adamw]") {
  CHECK_THROWS_WITH(latpred::FusedAdamW({at::zeros({3}, at::kDouble)}, 1e-3, 0.0),
                    Catch::Contains("parameter 0") && Catch::Contains("float32"));
  CHECK_THROWS_WITH(latpred::FusedAdamW({at::zeros({4, 3}).t()}, 1e-3, 0.0), Catch::Contains("contiguous"));
}
