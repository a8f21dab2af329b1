// Fused inference kernels for the graph layers (graph_layers.cpp). Predicting every arch of a space is dominated
// by chains of small elementwise ATen ops on B x V x d tensors (sigmoid, mul, add, LayerNorm, gathers of edge
// rows): each pass allocates and sweeps memory. These kernels do a layer's epilogue, or its attention over the
// edges of a shared graph, in one pass per node row. They have no backward, so the layers use them only when
// autograd is off (Predictor::predict); training keeps the ATen path, which the tests compare them against.
#pragma once

#include <initializer_list>

#include <ATen/core/Tensor.h>

namespace latpred::gnn::fused {

// True when autograd is off and every tensor is a float CPU tensor of shape B x V x d with contiguous rows, each
// either per arch or shared by the batch (batch stride 0, an expanded view).
bool applies(std::initializer_list<at::Tensor> node_tensors);

// σ(gate_i) ⊙ Σ_l a_pred[i][l] support_l + support_i + bias for every node i: DenseGraphFlow over one graph shared
// by the batch (a_pred: V x V predecessor weights), without materialising the aggregated messages.
at::Tensor gated_graph_sum(const at::Tensor& gate, const at::Tensor& support, const at::Tensor& a_pred,
                           const at::Tensor& bias);

// LayerNorm(σ(gate) ⊙ message) over the last dimension with the given affine weight and bias.
at::Tensor gated_layer_norm(const at::Tensor& gate, const at::Tensor& message, const at::Tensor& weight,
                            const at::Tensor& bias, double eps);

// Masked graph attention over one graph shared by the batch: for every node i with predecessors l (a_pred[i][l] >
// 0), softmax_l(LeakyReLU_0.01(aᵀ(P_i ⊙ P_l) / scale) · a_pred[i][l]) weighted sum of P_l; nodes without
// predecessors get zeros. p: B x V x d, a: d, a_pred: V x V.
at::Tensor edge_attention(const at::Tensor& p, const at::Tensor& a, const at::Tensor& a_pred, double scale);

}  // namespace latpred::gnn::fused
