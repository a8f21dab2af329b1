// Model plugin "ensemble": the NASFLAT GNN predictor with ensemble graph layers.
#include "gnn_predictor.hpp"
#include "latpred/plugin.hpp"

namespace {

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Model>(
      "ensemble",
      "The NASFLAT predictor: every graph layer runs DenseGraphFlow and graph attention on the same inputs and fuses "
      "them (mean or MLP) (NASFLAT_METHOD 3.4).",
      latpred::gnn::predictor_schema("ensemble"), [](const latpred::Params& params) {
        return std::make_shared<latpred::gnn::GnnPredictor>(latpred::gnn::predictor_options(params, "ensemble"));
      });
}

}  // namespace

LATPRED_PLUGIN("ensemble_model", "1.0", register_components)
