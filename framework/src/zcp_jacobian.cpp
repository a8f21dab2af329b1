// Proxies from the input Jacobian and the ReLU activation patterns on the synthetic batch:
//   jacov   = -sum_i log(v_i + k) + 1/(v_i + k), v = eigenvalues of the correlation matrix of the per-image input
//             Jacobians of sum(outputs) (Mellor et al. 2020 v1), k = 1e-5
//   epe_nas = sum_c | sum log(|corr_c| + k) |, corr_c = correlations of the Jacobians of the images of class c
//             (Lopes et al. 2021, classes <= 100 form)
//   nwot    = log|det K|, K = sum over ReLUs of c c^T + (1-c)(1-c)^T, c = binary activation codes (Mellor et al. 2021)
#include <ATen/ATen.h>

#include <cmath>
#include <limits>
#include <map>

#include "network_layers.hpp"
#include "zcp_internal.hpp"

namespace latpred::detail {
namespace {

constexpr double kEps = 1e-5;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// d(sum of outputs)/d(input), one row per image, in double.
at::Tensor input_jacobian(Network& network, const ZcpBatch& batch) {
  at::Tensor x = batch.inputs.clone().requires_grad_(true);
  at::Tensor y = network.forward(x);
  y.backward(at::ones_like(y));
  return x.grad().detach().reshape({x.size(0), -1}).to(at::kDouble);
}

// numpy.corrcoef of the rows (row_correlations); NaN entries where a row is constant.
at::Tensor row_correlations(const at::Tensor& rows) {
  const at::Tensor centered = rows - rows.mean(1, true);
  const at::Tensor cov = centered.matmul(centered.t());
  const at::Tensor std = cov.diagonal().sqrt();
  return cov / std.unsqueeze(1) / std.unsqueeze(0);
}

}  // namespace

double zcp_jacov(const ZcpContext& ctx) {
  auto network = ctx.fresh_network();
  const at::Tensor corr = row_correlations(input_jacobian(*network, *ctx.batch));
  if (!at::isfinite(corr).all().item<bool>()) return kNaN;
  const at::Tensor v = at::linalg_eigvalsh(corr) + kEps;
  const double score = -(v.log() + v.reciprocal()).sum().item<double>();
  return std::isfinite(score) ? score : kNaN;
}

double zcp_epe_nas(const ZcpContext& ctx) {
  auto network = ctx.fresh_network();
  const at::Tensor jacobian = input_jacobian(*network, *ctx.batch);
  const at::Tensor targets = ctx.batch->targets;
  std::map<int64_t, std::vector<int64_t>> rows_of_class;
  for (int64_t i = 0; i < targets.size(0); ++i) rows_of_class[targets[i].item<int64_t>()].push_back(i);
  double score = 0.0;
  for (const auto& [label, rows] : rows_of_class) {
    const at::Tensor corr = row_correlations(jacobian.index_select(0, at::tensor(rows, at::kLong)));
    const double s = (corr.abs() + kEps).log().sum().item<double>();
    if (!std::isfinite(s)) return kNaN;  // numpy gives NaN for a constant Jacobian, and so does NASLib
    score += std::abs(s);
  }
  return score;
}

namespace {

class ReluCodeKernel final : public NetworkObserver {
 public:
  explicit ReluCodeKernel(int64_t batch) : kernel(at::zeros({batch, batch}, at::kDouble)) {}
  at::Tensor kernel;
  void on_relu(const at::Tensor& input) override {
    const at::Tensor c = (input.detach().reshape({input.size(0), -1}) > 0).to(at::kFloat);
    const at::Tensor agree = c.matmul(c.t()) + (1 - c).matmul((1 - c).t());
    kernel += agree.to(at::kDouble);
  }
};

}  // namespace

double zcp_nwot(const ZcpContext& ctx) {
  auto network = ctx.fresh_network();
  ReluCodeKernel observer(ctx.batch->inputs.size(0));
  {
    at::NoGradGuard no_grad;
    ScopedObserver scope(&observer);
    network->forward(ctx.batch->inputs);
  }
  const auto [sign, logabsdet] = at::linalg_slogdet(observer.kernel);
  return logabsdet.item<double>();
}

}  // namespace latpred::detail
