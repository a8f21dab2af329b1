// Proxies from the gradient of the cross-entropy loss on the synthetic batch (NASLib / zero-cost-nas definitions;
// every sum runs over the conv and linear weights):
//   grad_norm = sum_l ||dL/dW_l||_2          snip  = sum |W * dL/dW|          plain = sum W * dL/dW
//   grasp     = sum -W * (H g)  with g = dL/dW and Hg the Hessian-gradient product (T = 1, one iteration)
//   fisher    = sum_l sum_c 0.5 * mean_n (sum_hw a * dL/da)^2 * (weights per output channel), a = conv/linear output
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>

#include "network_layers.hpp"
#include "zcp_internal.hpp"

namespace latpred::detail {
namespace {

// Runs forward + backward of the batch loss and returns the prunable weights (with .grad() filled).
std::vector<at::Tensor> weights_after_backward(Network& network, const ZcpBatch& batch) {
  auto weights = prunable_weights(network);
  batch_loss(network, batch).backward();
  return weights;
}

}  // namespace

double zcp_grad_norm(const ZcpContext& ctx) {
  auto network = ctx.fresh_network();
  double total = 0.0;
  for (const auto& w : weights_after_backward(*network, *ctx.batch)) {
    if (w.grad().defined()) total += w.grad().norm().item<double>();
  }
  return total;
}

double zcp_snip(const ZcpContext& ctx) {
  auto network = ctx.fresh_network();
  double total = 0.0;
  for (const auto& w : weights_after_backward(*network, *ctx.batch)) {
    if (w.grad().defined()) total += (w.detach() * w.grad()).abs().sum().item<double>();
  }
  return total;
}

double zcp_plain(const ZcpContext& ctx) {
  auto network = ctx.fresh_network();
  double total = 0.0;
  for (const auto& w : weights_after_backward(*network, *ctx.batch)) {
    if (w.grad().defined()) total += (w.detach() * w.grad()).sum().item<double>();
  }
  return total;
}

double zcp_grasp(const ZcpContext& ctx) {
  auto network = ctx.fresh_network();
  auto weights = prunable_weights(*network);
  // g = dL/dW (no graph), then z = g . dL/dW (with graph); dz/dW = H g.
  const auto g = torch::autograd::grad({batch_loss(*network, *ctx.batch)}, weights, {}, false, false, true);
  const auto grad_f = torch::autograd::grad({batch_loss(*network, *ctx.batch)}, weights, {}, true, true, true);
  at::Tensor z = at::zeros({}, at::kFloat);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (g[i].defined() && grad_f[i].defined()) z = z + (g[i] * grad_f[i]).sum();
  }
  if (!z.requires_grad()) return 0.0;  // no weight reaches the loss
  z.backward();
  double total = 0.0;
  for (const auto& w : weights) {
    if (w.grad().defined()) total += (-w.detach() * w.grad()).sum().item<double>();
  }
  return total;
}

namespace {

// Keeps every conv/linear output (with its gradient retained) and the weight shape it came from.
class ActivationRecorder final : public NetworkObserver {
 public:
  struct Record {
    at::Tensor activation;
    int64_t weights_per_channel;
  };
  std::vector<Record> records;
  void on_conv(const torch::nn::Conv2dImpl& conv, const at::Tensor& out) override { keep(conv.weight, out); }
  void on_linear(const torch::nn::LinearImpl& linear, const at::Tensor& out) override { keep(linear.weight, out); }

 private:
  void keep(const at::Tensor& weight, const at::Tensor& out) {
    if (!out.requires_grad()) return;
    const_cast<at::Tensor&>(out).retain_grad();
    records.push_back({out, weight.numel() / weight.size(0)});
  }
};

}  // namespace

double zcp_fisher(const ZcpContext& ctx) {
  auto network = ctx.fresh_network();
  ActivationRecorder recorder;
  {
    ScopedObserver scope(&recorder);
    batch_loss(*network, *ctx.batch).backward();
  }
  double total = 0.0;
  for (const auto& r : recorder.records) {
    const at::Tensor grad = r.activation.grad();
    if (!grad.defined()) continue;
    at::Tensor g_nk = r.activation.detach() * grad;
    if (g_nk.dim() > 2) g_nk = g_nk.sum({2, 3});
    const at::Tensor per_channel = g_nk.pow(2).mean(0).mul(0.5).abs();
    // zero-cost-nas broadcasts each channel's value to all weights of that channel before summing.
    total += per_channel.sum().item<double>() * static_cast<double>(r.weights_per_channel);
  }
  return total;
}

}  // namespace latpred::detail
