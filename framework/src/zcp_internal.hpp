// Internals of the zero-cost proxies: one function per proxy family, each given a context that builds the
// architecture's network afresh (same seeded weights for every proxy, as NASLib copies one initial network).
#pragma once

#include <ATen/Tensor.h>

#include <memory>
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

// Gradient-of-loss proxies (zcp_gradient.cpp).
double zcp_grad_norm(const ZcpContext& ctx);
double zcp_snip(const ZcpContext& ctx);
double zcp_plain(const ZcpContext& ctx);
double zcp_grasp(const ZcpContext& ctx);
double zcp_fisher(const ZcpContext& ctx);
// Input-Jacobian and activation proxies (zcp_jacobian.cpp).
double zcp_jacov(const ZcpContext& ctx);
double zcp_epe_nas(const ZcpContext& ctx);
double zcp_nwot(const ZcpContext& ctx);
// Data-free proxies (zcp_datafree.cpp).
double zcp_synflow(const ZcpContext& ctx);
double zcp_zen(const ZcpContext& ctx);
double zcp_l2_norm(const ZcpContext& ctx);

}  // namespace latpred::detail
