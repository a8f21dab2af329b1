// Per-row float kernels behind the fused inference path of the graph layers (fused_inference.hpp). Each works on
// one node's feature row of width d; an AVX2+FMA version is chosen at run time when the CPU has it.
#pragma once

#include <cstdint>

namespace latpred::gnn::rows {

struct Kernels {
  // out = σ(gate) ⊙ message + residual + bias (DenseGraphFlow's epilogue).
  void (*gated_residual)(const float* gate, const float* message, const float* residual, const float* bias, float* out,
                         int64_t d);
  // out = LayerNorm(σ(gate) ⊙ message) with affine weight and bias (GraphAttention's epilogue).
  void (*gated_layer_norm)(const float* gate, const float* message, const float* weight, const float* bias, float eps,
                           float* out, int64_t d);
  // Σ_j x_j a_j y_j (an attention logit before scaling).
  float (*weighted_dot)(const float* x, const float* a, const float* y, int64_t d);
  // out += alpha x.
  void (*axpy)(float alpha, const float* x, float* out, int64_t d);
};

// The AVX2 kernels when the CPU supports AVX2 and FMA, else portable scalar loops.
const Kernels& kernels();
// The portable kernels, for tests that compare both.
const Kernels& scalar_kernels();

}  // namespace latpred::gnn::rows
