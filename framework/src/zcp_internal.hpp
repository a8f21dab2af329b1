// Internals of the zero-cost proxies: one function per proxy family, each given a context that builds the
// architecture's network afresh (same seeded weights for every proxy, as NASLib copies one initial network).
#pragma once

#include <ATen/Tensor.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "latpred/networks.hpp"
#include "latpred/zcp.hpp"

namespace latpred::detail {

struct ZcpContext {
  std::string space;
  std::vector<int> ops;
  const ZcpOptions* options = nullptr;
  const ZcpBatch* batch = nullptr;
  // A new network with weights from options->seed, in training mode (BN uses batch statistics, as in NASLib).
  std::shared_ptr<Network> fresh_network(bool batch_norm = true) const;
};

// The weights NASLib scores ("prunable" layers): every conv and linear weight, in module order.
std::vector<at::Tensor> prunable_weights(Network& network);
// Cross-entropy of the network on the synthetic batch (mean over the batch).
at::Tensor batch_loss(Network& network, const ZcpBatch& batch);

// The data-dependent proxies, all from ONE forward of the synthetic batch (zcp_batch.cpp): epe_nas, fisher,
// grad_norm, grasp, jacov, nwot, plain, snip. NASLib runs each on its own copy of the same initial network and batch;
// in training mode those forwards are identical and no proxy changes the weights, so sharing one forward (and one
// first-order backward) gives the same values at a fraction of the cost. Returns the `wanted` ones.
std::map<std::string, double> zcp_batch_proxies(const ZcpContext& ctx, const std::set<std::string>& wanted);
bool is_batch_proxy(const std::string& name);

// Scores from tensors (zcp_jacobian.cpp): the per-image input Jacobian rows [N, D] (double), the labels, the ReLU
// code kernel [N, N].
double jacov_score(const at::Tensor& jacobian);
double epe_nas_score(const at::Tensor& jacobian, const at::Tensor& targets);
double nwot_score(const at::Tensor& kernel);

// Data-free proxies (zcp_datafree.cpp).
double zcp_synflow(const ZcpContext& ctx);
double zcp_zen(const ZcpContext& ctx);
double zcp_l2_norm(const ZcpContext& ctx);

}  // namespace latpred::detail
