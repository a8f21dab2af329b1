// Layer helpers, the thread's observer, the Network base and the analytic cost counter.
#include "network_layers.hpp"

#include <ATen/ATen.h>
#include <torch/nn/functional/pooling.h>

#include "latpred/error.hpp"
#include "latpred/networks.hpp"

namespace latpred {
namespace detail {
namespace {
thread_local NetworkObserver* g_observer = nullptr;
}  // namespace

ScopedObserver::ScopedObserver(NetworkObserver* observer) : previous_(g_observer) { g_observer = observer; }
ScopedObserver::~ScopedObserver() { g_observer = previous_; }
NetworkObserver* current_observer() { return g_observer; }

at::Tensor run_conv(torch::nn::Conv2d& conv, const at::Tensor& x) {
  at::Tensor y = conv->forward(x);
  if (g_observer) g_observer->on_conv(*conv, y);
  return y;
}

at::Tensor run_linear(torch::nn::Linear& linear, const at::Tensor& x) {
  at::Tensor y = linear->forward(x);
  if (g_observer) g_observer->on_linear(*linear, y);
  return y;
}

at::Tensor run_batch_norm(torch::nn::BatchNorm2d& bn, const at::Tensor& x) {
  if (!bn) return x;
  at::Tensor y = bn->forward(x);
  if (g_observer) g_observer->on_batch_norm(y);
  return y;
}

at::Tensor run_relu(const at::Tensor& x) {
  if (g_observer) g_observer->on_relu(x);
  return at::relu(x);
}

at::Tensor run_avg_pool(const at::Tensor& x, int kernel, int stride, int padding) {
  // count_include_pad=false as in NB201's POOLING op (nn.AvgPool2d(3, stride, padding=1, count_include_pad=False)).
  at::Tensor y = at::avg_pool2d(x, {kernel, kernel}, {stride, stride}, {padding, padding}, false, false);
  if (g_observer) g_observer->on_avg_pool(kernel, y);
  return y;
}

at::Tensor run_global_pool(const at::Tensor& x) {
  if (g_observer) g_observer->on_global_pool(x);
  return x.mean({2, 3});
}

torch::nn::Conv2d make_conv(int in, int out, int kernel, int stride, int groups) {
  return torch::nn::Conv2d(
      torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).groups(groups).bias(false));
}

torch::nn::BatchNorm2d make_batch_norm(int channels, bool enabled) {
  return enabled ? torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels)) : torch::nn::BatchNorm2d(nullptr);
}

ConvBnImpl::ConvBnImpl(int in, int out, int kernel, int stride, int groups, Relu relu, bool batch_norm)
    : conv_(register_module("conv", make_conv(in, out, kernel, stride, groups))), relu_(relu) {
  if (batch_norm) bn_ = register_module("bn", make_batch_norm(out, true));
}

at::Tensor ConvBnImpl::forward(const at::Tensor& x) {
  at::Tensor y = relu_ == Relu::kBefore ? run_relu(x) : x;
  y = run_batch_norm(bn_, run_conv(conv_, y));
  return relu_ == Relu::kAfter ? run_relu(y) : y;
}

namespace {

// Counts MACs and NASLib-style FLOPs of one forward pass from the layer shapes.
class CostCounter final : public NetworkObserver {
 public:
  NetworkCost cost;
  void on_conv(const torch::nn::Conv2dImpl& conv, const at::Tensor& out) override {
    const auto& o = conv.options;
    const int64_t per_position = o.in_channels() / o.groups() * (*o.kernel_size())[0] * (*o.kernel_size())[1];
    const int64_t macs = out.numel() * per_position;
    cost.macs += macs;
    cost.naslib_flops += macs + (o.bias() ? out.numel() : 0);
  }
  void on_linear(const torch::nn::LinearImpl& linear, const at::Tensor& out) override {
    const int64_t macs = out.numel() * linear.options.in_features();
    cost.macs += macs;
    cost.naslib_flops += macs + (linear.options.bias() ? out.numel() : 0);
  }
  void on_batch_norm(const at::Tensor& out) override { cost.naslib_flops += 2 * out.numel(); }
  void on_relu(const at::Tensor& in) override { cost.naslib_flops += in.numel(); }
  void on_avg_pool(int kernel, const at::Tensor& out) override { cost.naslib_flops += kernel * kernel * out.numel(); }
  void on_global_pool(const at::Tensor& in) override { cost.naslib_flops += in.numel(); }
};

}  // namespace
}  // namespace detail

Network::~Network() = default;

int64_t count_parameters(const torch::nn::Module& module) {
  int64_t total = 0;
  for (const auto& p : module.parameters()) total += p.numel();
  return total;
}

NetworkCost count_cost(Network& network, int input_size) {
  if (input_size < 1) throw Error("count_cost: input_size must be >= 1, got " + std::to_string(input_size));
  detail::CostCounter counter;
  detail::ScopedObserver scope(&counter);
  at::NoGradGuard no_grad;
  const bool was_training = network.is_training();
  network.eval();  // a cost count must not move BN running statistics
  network.forward(at::zeros({1, 3, input_size, input_size}));
  network.train(was_training);
  return counter.cost;
}

}  // namespace latpred
