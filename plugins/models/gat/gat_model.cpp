// Model plugin "gat": the NASFLAT GNN predictor with gat graph layers.
#include "gnn_predictor.hpp"
#include "latpred/plugin.hpp"

namespace {

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Model>(
      "gat",
      "NASFLAT GNN predictor with graph-attention layers (shared key/query/value projection, op-gated, LayerNorm); "
      "non-edges masked by default (NASFLAT_METHOD 3.4).",
      latpred::gnn::predictor_schema("gat"), [](const latpred::Params& params) {
        return std::make_shared<latpred::gnn::GnnPredictor>(latpred::gnn::predictor_options(params, "gat"));
      });
}

}  // namespace

LATPRED_PLUGIN("gat_model", "1.0", register_components)
