#include "adamw.hpp"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace latpred {
namespace {

// The constants of one parameter's update at its step count, as float (ATen applies double scalars to a float
// tensor in float).
struct StepConstants {
  float decay, beta1, one_minus_beta1, beta2, one_minus_beta2, sqrt_bias_correction2, eps, neg_step_size;
};

// Built with -fno-math-errno (framework/CMakeLists.txt) so that sqrtf vectorises.
void update(float* param, const float* grad, float* exp_avg, float* exp_avg_sq, int64_t n, const StepConstants& c) {
  for (int64_t i = 0; i < n; ++i) {
    const float g = grad[i];
    const float m = exp_avg[i] * c.beta1 + c.one_minus_beta1 * g;
    const float v = exp_avg_sq[i] * c.beta2 + c.one_minus_beta2 * g * g;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
    const float denom = std::sqrt(v) / c.sqrt_bias_correction2 + c.eps;
    param[i] = param[i] * c.decay + c.neg_step_size * (m / denom);
  }
}

}  // namespace

FusedAdamW::FusedAdamW(std::vector<at::Tensor> params, double lr, double weight_decay, double beta1, double beta2,
                       double eps)
    : params_(std::move(params)),
      moments_(params_.size()),
      lr_(lr),
      weight_decay_(weight_decay),
      beta1_(beta1),
      beta2_(beta2),
      eps_(eps) {
  for (std::size_t i = 0; i < params_.size(); ++i) {
    const at::Tensor& p = params_[i];
    if (p.scalar_type() != at::kFloat || !p.is_contiguous() || p.device().type() != at::kCPU) {
      throw std::invalid_argument("FusedAdamW: parameter " + std::to_string(i) +
                                  " is not a contiguous float32 CPU tensor");
    }
    moments_[i].exp_avg = at::zeros_like(p);
    moments_[i].exp_avg_sq = at::zeros_like(p);
  }
}

void FusedAdamW::zero_grad() {
  for (at::Tensor& p : params_) {
    if (p.mutable_grad().defined()) p.mutable_grad().detach_().zero_();
  }
}

void FusedAdamW::step() {
  at::NoGradGuard no_grad;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    at::Tensor& p = params_[i];
    if (!p.grad().defined()) continue;
    const at::Tensor grad = p.grad().contiguous();
    Moments& state = moments_[i];
    ++state.steps;
    const auto steps = static_cast<double>(state.steps);
    const double bias_correction1 = 1.0 - std::pow(beta1_, steps);
    const double bias_correction2 = 1.0 - std::pow(beta2_, steps);
    const StepConstants constants{static_cast<float>(1.0 - lr_ * weight_decay_),
                                  static_cast<float>(beta1_),
                                  static_cast<float>(1.0 - beta1_),
                                  static_cast<float>(beta2_),
                                  static_cast<float>(1.0 - beta2_),
                                  static_cast<float>(std::sqrt(bias_correction2)),
                                  static_cast<float>(eps_),
                                  static_cast<float>(-lr_ / bias_correction1)};
    update(p.data_ptr<float>(), grad.data_ptr<float>(), state.exp_avg.data_ptr<float>(),
           state.exp_avg_sq.data_ptr<float>(), p.numel(), constants);
  }
}

}  // namespace latpred
