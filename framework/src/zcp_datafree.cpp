// Data-free proxies (exact: they do not see the synthetic batch):
//   synflow = log sum |W * dR/dW| over conv/linear weights, R = sum of the outputs of the network without BN, with
//             |W| for every parameter, in double, on one all-ones image (Tanaka et al. 2020; NASLib stores the log)
//   zen     = log E|f(x) - f(x + 0.01 e)|_1 + sum_BN log sqrt(mean running_var), f = pre-pool features of the network
//             re-initialised with N(0,1) weights, BN in training mode, x, e ~ N(0,1) (Lin et al. 2021, one repeat)
//   l2_norm = sum_l ||W_l||_2 over conv/linear weights at initialisation
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <limits>

#include "network_layers.hpp"
#include "zcp_internal.hpp"

namespace latpred::detail {

double zcp_synflow(const ZcpContext& ctx) {
  auto network = ctx.fresh_network(/*batch_norm=*/false);
  network->to(at::kDouble);
  {
    at::NoGradGuard no_grad;
    for (auto& p : network->parameters()) p.abs_();
  }
  const int size = ctx.options->input_size;
  at::Tensor out = network->forward(at::ones({1, 3, size, size}, at::kDouble));
  out.sum().backward();
  double total = 0.0;
  for (const auto& w : prunable_weights(*network)) {
    if (w.grad().defined()) total += (w.detach() * w.grad()).abs().sum().item<double>();
  }
  if (total == 0.0) return 0.0;  // NASLib keeps 0 for a network whose output does not depend on its weights
  return std::log(total);
}

double zcp_zen(const ZcpContext& ctx) {
  auto network = ctx.fresh_network();
  auto generator = at::detail::createCPUGenerator(ctx.options->seed + 1);
  at::NoGradGuard no_grad;
  for (const auto& module : network->modules(false)) {
    if (auto* conv = module->as<torch::nn::Conv2dImpl>()) conv->weight.normal_(0.0, 1.0, generator);
    if (auto* linear = module->as<torch::nn::LinearImpl>()) {
      linear->weight.normal_(0.0, 1.0, generator);
      if (linear->bias.defined()) linear->bias.zero_();
    }
    if (auto* bn = module->as<torch::nn::BatchNorm2dImpl>()) {
      bn->weight.fill_(1.0);
      bn->bias.zero_();
    }
  }
  const auto& shape = ctx.batch->inputs.sizes();
  const at::Tensor x = at::randn(shape, generator, at::kFloat);
  const at::Tensor noise = at::randn(shape, generator, at::kFloat);
  const at::Tensor out = network->features(x);
  const at::Tensor mixed = network->features(x + 0.01 * noise);
  double score = std::log((out - mixed).abs().sum({1, 2, 3}).mean().item<double>());
  for (const auto& module : network->modules(false)) {
    if (auto* bn = module->as<torch::nn::BatchNorm2dImpl>()) {
      score += std::log(std::sqrt(bn->running_var.mean().item<double>()));
    }
  }
  return std::isfinite(score) ? score : std::numeric_limits<double>::quiet_NaN();
}

double zcp_l2_norm(const ZcpContext& ctx) {
  auto network = ctx.fresh_network();
  double total = 0.0;
  for (const auto& w : prunable_weights(*network)) total += w.norm().item<double>();
  return total;
}

}  // namespace latpred::detail
