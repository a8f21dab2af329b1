// The data-dependent proxies from one forward of the synthetic batch (NASLib / zero-cost-nas definitions; sums run
// over the conv and linear weights W, L = cross-entropy):
//   grad_norm = sum_l ||dL/dW_l||_2          snip  = sum |W * dL/dW|          plain = sum W * dL/dW
//   grasp     = sum -W * (H g), g = dL/dW, H g the Hessian-gradient product (T = 1, one iteration)
//   fisher    = sum_l sum_c 0.5 * mean_n (sum_hw a * dL/da)^2 * (weights per output channel), a = each conv/linear
//               output (zero-cost-nas broadcasts the channel value to the channel's weights before summing)
//   jacov, epe_nas from d(sum outputs)/d(input); nwot from the ReLU codes (formulas in zcp_jacobian.cpp).
#include <ATen/ATen.h>
#include <torch/csrc/autograd/autograd.h>

#include "network_layers.hpp"
#include "zcp_internal.hpp"

namespace latpred::detail {
namespace {

// Records what the proxies need during the forward: conv/linear outputs (fisher) and the ReLU code kernel (nwot).
class ForwardRecorder final : public NetworkObserver {
 public:
  ForwardRecorder(bool activations, bool relu_codes, int64_t batch)
      : keep_activations_(activations), relu_codes_(relu_codes) {
    if (relu_codes) kernel = at::zeros({batch, batch}, at::kDouble);
  }
  std::vector<at::Tensor> activations;
  std::vector<int64_t> weights_per_channel;
  at::Tensor kernel;

  void on_conv(const torch::nn::Conv2dImpl& conv, const at::Tensor& out) override { keep(conv.weight, out); }
  void on_linear(const torch::nn::LinearImpl& linear, const at::Tensor& out) override { keep(linear.weight, out); }
  void on_relu(const at::Tensor& input) override {
    if (!relu_codes_) return;
    const at::Tensor c = (input.detach().reshape({input.size(0), -1}) > 0).to(at::kFloat);
    kernel += (c.matmul(c.t()) + (1 - c).matmul((1 - c).t())).to(at::kDouble);
  }

 private:
  void keep(const at::Tensor& weight, const at::Tensor& out) {
    if (!keep_activations_ || !out.requires_grad()) return;
    activations.push_back(out);
    weights_per_channel.push_back(weight.numel() / weight.size(0));
  }
  bool keep_activations_;
  bool relu_codes_;
};

double fisher_score(const std::vector<at::Tensor>& activations, const std::vector<at::Tensor>& grads,
                    const std::vector<int64_t>& weights_per_channel) {
  double total = 0.0;
  for (std::size_t i = 0; i < activations.size(); ++i) {
    if (!grads[i].defined()) continue;
    at::Tensor g_nk = activations[i].detach() * grads[i].detach();
    if (g_nk.dim() > 2) g_nk = g_nk.sum({2, 3});
    const at::Tensor per_channel = g_nk.pow(2).mean(0).mul(0.5).abs();
    total += per_channel.sum().item<double>() * static_cast<double>(weights_per_channel[i]);
  }
  return total;
}

}  // namespace

bool is_batch_proxy(const std::string& name) {
  static const std::set<std::string> kBatch = {"epe_nas", "fisher", "grad_norm", "grasp",
                                               "jacov",   "nwot",   "plain",     "snip"};
  return kBatch.count(name) != 0;
}

std::map<std::string, double> zcp_batch_proxies(const ZcpContext& ctx, const std::set<std::string>& wanted) {
  auto want = [&](const char* name) { return wanted.count(name) != 0; };
  const bool jacobian = want("jacov") || want("epe_nas");
  const bool grasp = want("grasp");
  const bool weight_grads = grasp || want("grad_norm") || want("snip") || want("plain");
  const bool fisher = want("fisher");
  std::map<std::string, double> out;

  auto network = ctx.fresh_network();
  const auto weights = prunable_weights(*network);
  const at::Tensor x = ctx.batch->inputs.clone().requires_grad_(jacobian);
  ForwardRecorder recorder(fisher, want("nwot"), x.size(0));
  at::Tensor y;
  {
    ScopedObserver scope(&recorder);
    y = network->forward(x);
  }
  if (want("nwot")) out["nwot"] = nwot_score(recorder.kernel);
  if (jacobian) {
    const auto dx = torch::autograd::grad({y}, {x}, {at::ones_like(y)}, /*retain_graph=*/true);
    const at::Tensor rows = dx[0].detach().reshape({x.size(0), -1}).to(at::kDouble);
    if (want("jacov")) out["jacov"] = jacov_score(rows);
    if (want("epe_nas")) out["epe_nas"] = epe_nas_score(rows, ctx.batch->targets);
  }
  if (!weight_grads && !fisher) return out;

  std::vector<at::Tensor> inputs = weights;
  inputs.insert(inputs.end(), recorder.activations.begin(), recorder.activations.end());
  const at::Tensor loss = at::cross_entropy_loss(y, ctx.batch->targets);
  const auto grads = torch::autograd::grad({loss}, inputs, {}, /*retain_graph=*/grasp, /*create_graph=*/grasp,
                                           /*allow_unused=*/true);
  if (fisher) {
    out["fisher"] =
        fisher_score(recorder.activations, {grads.begin() + static_cast<std::ptrdiff_t>(weights.size()), grads.end()},
                     recorder.weights_per_channel);
  }
  double grad_norm = 0.0, snip = 0.0, plain = 0.0;
  at::Tensor z = at::zeros({}, at::kFloat);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (!grads[i].defined()) continue;
    const at::Tensor g = grads[i].detach();
    const at::Tensor wg = weights[i].detach() * g;
    grad_norm += g.norm().item<double>();
    snip += wg.abs().sum().item<double>();
    plain += wg.sum().item<double>();
    if (grasp) z = z + (g * grads[i]).sum();  // d/dW (g . dL/dW) = H g
  }
  if (want("grad_norm")) out["grad_norm"] = grad_norm;
  if (want("snip")) out["snip"] = snip;
  if (want("plain")) out["plain"] = plain;
  if (grasp) {
    double score = 0.0;
    if (z.requires_grad()) {
      const auto hg = torch::autograd::grad({z}, weights, {}, false, false, /*allow_unused=*/true);
      for (std::size_t i = 0; i < weights.size(); ++i) {
        if (hg[i].defined()) score += (-weights[i].detach() * hg[i]).sum().item<double>();
      }
    }
    out["grasp"] = score;
  }
  return out;
}

}  // namespace latpred::detail
