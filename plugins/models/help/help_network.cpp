#include "help_network.hpp"

#include <ATen/ATen.h>

#include <cmath>

#include "latpred/error.hpp"

namespace latpred::help {

std::size_t HelpNetwork::add_linear(std::vector<at::Tensor>& list, const std::string& name, int64_t in, int64_t out) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(in));
  list.push_back(register_parameter(name + "_weight", at::empty({out, in}).uniform_(-bound, bound)));
  list.push_back(register_parameter(name + "_bias", at::empty({out}).uniform_(-bound, bound)));
  return list.size() - 2;
}

void HelpNetwork::build(const ModelShape& shape) {
  const bool has_graph = shape.num_nodes > 0 && shape.num_node_labels > 0;
  const std::string& want = options_.arch_input;
  if (want == "graph" && !has_graph)
    throw ConfigError({}, "model.arch_input", "arch_input = \"graph\" needs a graph encoder, e.g. adjacency_ops");
  graph_ = want == "graph" || (want == "auto" && has_graph);
  if (!graph_ && shape.vec_dim == 0) {
    throw ConfigError({}, "encoder",
                      "the help model needs a graph (encoder adjacency_ops) or a flat encoding (e.g. op_counts); the "
                      "encoder produces neither");
  }
  if (shape.device_dim == 0)
    throw ConfigError({}, "devicerep", "the help model needs a device vector (devicerep reference_latency)");
  const int64_t h = options_.hidden;
  if (graph_) {
    num_labels_ = shape.num_node_labels;
    int64_t in = num_labels_;
    for (int64_t i = 0; i < options_.gcn_layers; ++i, in = h)
      arch_layers_.push_back(add_linear(fast_, "gc" + std::to_string(i + 1), in, h));
  } else {
    arch_layers_.push_back(add_linear(fast_, "fc1", shape.vec_dim, h));
    arch_layers_.push_back(add_linear(fast_, "fc2", h, h));
  }
  hw1_ = add_linear(fast_, "fc_hw1", shape.device_dim, h);
  hw2_ = add_linear(fast_, "fc_hw2", h, h);
  fc3_ = add_linear(fast_, "fc3", 2 * h, 2 * h);
  fc4_ = add_linear(fast_, "fc4", 2 * h, 2 * h);
  fc5_ = add_linear(fast_, "fc5", 2 * h, 1);
  for (std::size_t i = 0; i < fast_.size(); ++i) {
    inner_lrs_.push_back(
        register_parameter("inner_lr_" + std::to_string(i), at::full_like(fast_[i], options_.inner_lr)));
  }
  if (options_.z_on) {
    // One scale and one shift per output unit of fc3, fc4 and fc5.
    z_dim_ = 2 * (2 * h + 2 * h + 1);
    add_linear(inference_, "inf1", shape.device_dim, h);
    add_linear(inference_, "inf2", h, h);
    add_linear(inference_, "inf_mean", h, z_dim_);
    add_linear(inference_, "inf_logvar", h, z_dim_);
  }
}

ZPosterior HelpNetwork::posterior(const at::Tensor& device) const {
  const auto& w = inference_;
  at::Tensor x = at::relu(at::linear(device, w[0], w[1]));
  x = at::relu(at::linear(x, w[2], w[3]));
  return {at::linear(x, w[4], w[5]), at::linear(x, w[6], w[7])};
}

at::Tensor HelpNetwork::arch_features(const std::vector<at::Tensor>& w, const ModelInput& input) const {
  if (!graph_) {
    at::Tensor x = input.vec;
    for (std::size_t l : arch_layers_) x = at::relu(at::linear(x, w[l], w[l + 1]));
    return x;
  }
  // GCN on the undirected graph with self-loops, row-normalised; mean over the nodes as the readout (HELP reads a
  // global node connected to every node instead).
  const at::Tensor a = ((input.adj + input.adj.transpose(1, 2)) > 0).to(at::kFloat) +
                       at::eye(input.adj.size(1), input.adj.options()).unsqueeze(0);
  const at::Tensor norm = a / a.sum(2, true);
  at::Tensor x = at::one_hot(input.ops, num_labels_).to(at::kFloat);
  for (std::size_t l : arch_layers_) x = at::relu(at::matmul(norm, at::linear(x, w[l], w[l + 1])));
  return x.mean(1);
}

at::Tensor HelpNetwork::forward_with(const std::vector<at::Tensor>& w, const ModelInput& input,
                                     const at::Tensor& z) const {
  const at::Tensor arch = arch_features(w, input);
  at::Tensor hw = at::relu(at::linear(input.device, w[hw1_], w[hw1_ + 1]));
  hw = at::relu(at::linear(hw, w[hw2_], w[hw2_ + 1]));
  at::Tensor x = at::cat({arch, hw}, 1);
  const double s = options_.z_scale;
  int64_t offset = 0;
  // Scaling row o of W by (1 + s z_o) scales output o of x W^T: modulate the outputs, so z may differ per sample.
  auto layer = [&](const at::Tensor& in, std::size_t l) {
    const at::Tensor& weight = w[l];
    const at::Tensor& bias = w[l + 1];
    if (!z.defined()) return at::linear(in, weight, bias);
    const int64_t out = weight.size(0);
    const at::Tensor scale = z.narrow(1, offset, out);
    const at::Tensor shift = z.narrow(1, offset + out, out);
    offset += 2 * out;
    return at::linear(in, weight) * (1.0 + s * scale) + bias + s * shift;
  };
  x = at::relu(layer(x, fc3_));
  x = at::relu(layer(x, fc4_));
  return layer(x, fc5_).view({x.size(0)});
}

at::Tensor HelpNetwork::forward(const ModelInput& input) {
  const at::Tensor z = options_.z_on ? posterior(input.device).mean : at::Tensor();
  return forward_with(fast_, input, z);
}

}  // namespace latpred::help
