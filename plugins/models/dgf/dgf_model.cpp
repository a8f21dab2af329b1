// Model plugin "dgf": the NASFLAT GNN predictor with dgf graph layers.
#include "gnn_predictor.hpp"
#include "latpred/plugin.hpp"

namespace {

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Model>(
      "dgf",
      "NASFLAT GNN predictor with DenseGraphFlow layers (op-gated sum over predecessors + residual), op-embedding "
      "update pass, node-level device embedding, mean readout and MLP head (NASFLAT_METHOD 3.3-3.4).",
      latpred::gnn::predictor_schema("dgf"), [](const latpred::Params& params) {
        return std::make_shared<latpred::gnn::GnnPredictor>(latpred::gnn::predictor_options(params, "dgf"));
      });
}

}  // namespace

LATPRED_PLUGIN("dgf_model", "1.0", register_components)
