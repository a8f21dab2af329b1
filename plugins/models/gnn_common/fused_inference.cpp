#include "fused_inference.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <ATen/record_function.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "row_kernels.hpp"

namespace latpred::gnn::fused {
namespace {

// Archs per task of at::parallel_for (which runs inline at the default 1 intra-op thread).
constexpr int64_t kArchGrain = 16;

// A B x V x d float tensor read row by row: a row is d contiguous floats; archs are batch_stride apart (0 when
// the tensor is shared by the batch: an expanded view, or a batch of one).
struct NodeRows {
  const float* data;
  int64_t batch_stride, d;
  explicit NodeRows(const at::Tensor& t)
      : data(t.data_ptr<float>()), batch_stride(t.size(0) == 1 ? 0 : t.stride(0)), d(t.size(2)) {}
  const float* row(int64_t arch, int64_t node) const { return data + arch * batch_stride + node * d; }
};

// The kernels read `other` at the rows of `shape`: same nodes and width, and one arch or as many.
void check_same_rows(const at::Tensor& shape, const at::Tensor& other) {
  TORCH_CHECK(other.size(1) == shape.size(1) && other.size(2) == shape.size(2) &&
                  (other.size(0) == 1 || other.size(0) == shape.size(0)),
              "fused kernel: node tensors of ", shape.sizes(), " and ", other.sizes(), " do not match");
}

bool rows_contiguous(const at::Tensor& t) {
  if (!t.defined() || t.device().type() != at::kCPU || t.scalar_type() != at::kFloat || t.dim() != 3) return false;
  const int64_t v = t.size(1), d = t.size(2);
  const bool dense_rows = (t.stride(2) == 1 || d == 1) && (t.stride(1) == d || v == 1);
  return dense_rows && (t.stride(0) == 0 || t.stride(0) == v * d || t.size(0) == 1);
}

// A per-channel vector (LayerNorm weight, bias, attention weights) as contiguous floats; no copy when it is one.
at::Tensor channel_vector(const at::Tensor& t, int64_t d) {
  TORCH_CHECK(t.numel() == d, "fused kernel: expected a vector of ", d, " values, got ", t.sizes());
  return t.to(at::kFloat).contiguous().view({d});
}

// The edges of a graph shared by the batch, grouped by node: result[i] = (l, a_pred[i][l]) for every l -> i.
std::vector<std::vector<std::pair<int64_t, float>>> predecessor_lists(const at::Tensor& a_pred, int64_t v) {
  const at::Tensor weights = a_pred.to(at::kFloat).contiguous();
  TORCH_CHECK(weights.dim() == 2 && weights.size(0) == v && weights.size(1) == v, "fused kernel: a_pred must be ", v,
              " x ", v, ", got ", a_pred.sizes());
  const float* weight_data = weights.data_ptr<float>();
  std::vector<std::vector<std::pair<int64_t, float>>> predecessors(static_cast<std::size_t>(v));
  for (int64_t i = 0; i < v; ++i) {
    for (int64_t l = 0; l < v; ++l) {
      const float w = weight_data[i * v + l];
      if (w != 0) predecessors[static_cast<std::size_t>(i)].emplace_back(l, w);
    }
  }
  return predecessors;
}

template <class RowOp>
at::Tensor for_each_row(const at::Tensor& shape_like, RowOp row_op) {
  const int64_t batch = shape_like.size(0), v = shape_like.size(1), d = shape_like.size(2);
  at::Tensor out = at::empty({batch, v, d}, shape_like.options().dtype(at::kFloat));
  float* out_data = out.data_ptr<float>();
  at::parallel_for(0, batch, kArchGrain, [&](int64_t begin, int64_t end) {
    for (int64_t b = begin; b < end; ++b) {
      for (int64_t i = 0; i < v; ++i) row_op(b, i, out_data + (b * v + i) * d);
    }
  });
  return out;
}

}  // namespace

bool applies(std::initializer_list<at::Tensor> node_tensors) {
  if (at::GradMode::is_enabled()) return false;
  return std::all_of(node_tensors.begin(), node_tensors.end(), rows_contiguous);
}

at::Tensor gated_graph_sum(const at::Tensor& gate, const at::Tensor& support, const at::Tensor& a_pred,
                           const at::Tensor& bias) {
  RECORD_FUNCTION("latpred::fused::gated_graph_sum", std::vector<c10::IValue>());  // named in operator profiles
  check_same_rows(gate, support);
  const NodeRows g(gate), s(support);
  const auto predecessors = predecessor_lists(a_pred, gate.size(1));
  const at::Tensor b = channel_vector(bias, g.d);
  const float* bias_data = b.data_ptr<float>();
  const auto& kernels = rows::kernels();
  return for_each_row(gate, [&](int64_t arch, int64_t node, float* out) {
    std::fill(out, out + g.d, 0.0f);
    for (const auto& [pred, weight] : predecessors[static_cast<std::size_t>(node)]) {
      kernels.axpy(weight, s.row(arch, pred), out, g.d);
    }
    // The message is read and overwritten at the same index: safe in place.
    kernels.gated_residual(g.row(arch, node), out, s.row(arch, node), bias_data, out, g.d);
  });
}

at::Tensor gated_layer_norm(const at::Tensor& gate, const at::Tensor& message, const at::Tensor& weight,
                            const at::Tensor& bias, double eps) {
  RECORD_FUNCTION("latpred::fused::gated_layer_norm", std::vector<c10::IValue>());  // named in operator profiles
  check_same_rows(gate, message);
  const NodeRows g(gate), m(message);
  const at::Tensor w = channel_vector(weight, g.d), b = channel_vector(bias, g.d);
  const float *weight_data = w.data_ptr<float>(), *bias_data = b.data_ptr<float>();
  const auto& kernels = rows::kernels();
  return for_each_row(gate, [&](int64_t arch, int64_t node, float* out) {
    kernels.gated_layer_norm(g.row(arch, node), m.row(arch, node), weight_data, bias_data, static_cast<float>(eps), out,
                             g.d);
  });
}

at::Tensor edge_attention(const at::Tensor& p, const at::Tensor& a, const at::Tensor& a_pred, double scale) {
  RECORD_FUNCTION("latpred::fused::edge_attention", std::vector<c10::IValue>());  // named in operator profiles
  const NodeRows rows(p);
  const int64_t v = p.size(1), d = rows.d;
  const at::Tensor attend = channel_vector(a, d);
  const float* attend_data = attend.data_ptr<float>();
  // Attention runs over the edges (a_pred > 0), the masked softmax of GraphAttention.
  auto predecessors = predecessor_lists(a_pred, v);
  for (auto& edges : predecessors) {
    edges.erase(std::remove_if(edges.begin(), edges.end(), [](const auto& edge) { return edge.second <= 0; }),
                edges.end());
  }
  const auto inv_scale = static_cast<float>(1.0 / scale);
  const auto& kernels = rows::kernels();
  return for_each_row(p, [&](int64_t arch, int64_t node, float* out) {
    std::fill(out, out + d, 0.0f);
    const auto& edges = predecessors[static_cast<std::size_t>(node)];
    if (edges.empty()) return;
    const float* query = rows.row(arch, node);
    thread_local std::vector<float> logits;  // one buffer per worker thread, not one allocation per row
    logits.resize(edges.size());
    float max_logit = -std::numeric_limits<float>::infinity();
    for (std::size_t e = 0; e < edges.size(); ++e) {
      const float raw = kernels.weighted_dot(query, attend_data, rows.row(arch, edges[e].first), d) * inv_scale;
      logits[e] = (raw > 0 ? raw : 0.01f * raw) * edges[e].second;
      max_logit = std::max(max_logit, logits[e]);
    }
    float total = 0.0f;
    for (float& logit : logits) total += (logit = std::exp(logit - max_logit));
    for (std::size_t e = 0; e < edges.size(); ++e) {
      kernels.axpy(logits[e] / total, rows.row(arch, edges[e].first), out, d);
    }
  });
}

}  // namespace latpred::gnn::fused
