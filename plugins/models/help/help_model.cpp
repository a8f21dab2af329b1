// Model plugin "help": the HELP baseline (Lee et al., NeurIPS 2021; NASFLAT_METHOD §7.1) - a hardware-conditioned
// regressor meta-learned with Meta-SGD. It selects its own training strategy (meta_sgd.hpp); with strategy =
// "standard" the same network is trained with the study's [train]/[transfer] fit instead.
#include "help_network.hpp"
#include "latpred/plugin.hpp"
#include "latpred/training_strategy.hpp"
#include "meta_sgd.hpp"

namespace {

using latpred::help::HelpNetwork;
using latpred::help::MetaOptions;
using latpred::help::NetworkOptions;

class HelpModel : public HelpNetwork {
 public:
  HelpModel(NetworkOptions network, MetaOptions meta, bool meta_sgd)
      : HelpNetwork(std::move(network)), meta_(meta), meta_sgd_(meta_sgd) {}

  std::shared_ptr<latpred::TrainingStrategy> training_strategy() override {
    if (!meta_sgd_) return latpred::make_standard_strategy();
    return std::make_shared<latpred::help::MetaSgdStrategy>(*this, meta_);
  }

 private:
  MetaOptions meta_;
  bool meta_sgd_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Model>(
      "help",
      "HELP (NASFLAT_METHOD 7.1): architecture features from a GCN over the graph (NB201, adjacency_ops; HELP uses "
      "its own 8-node graph with a global node, latpred's graph with a mean readout here) or 2 FC layers over the "
      "flat encoding (FBNet, op_counts one-hot), the device vector through 2 FC layers, concatenated, then fc3 -> "
      "fc4 -> fc5 -> score. Use devicerep reference_latency with reference = \"help\" and mlp = false: HELP's 10 "
      "reference-arch latencies, which are 10 extra measurements on each target. Inference network z_on: a "
      "Gaussian z from the device vector scales the fc3/fc4/fc5 weights by (1 + z_scale z) and shifts their biases. "
      "Training: Meta-SGD (learned per-element inner learning rates, second order) on MSE of latencies normalised "
      "to [0.05, 0.95] per device; meta-test = inner steps on the k transfer samples, mc times with sampled z, "
      "predictions averaged. The [train] table only picks the source archs (source_samples) and [transfer] only k "
      "and the evaluation; the meta-learning settings are here.",
      latpred::Schema()
          .integer("hidden", 100, "layer size (HELP: 100)", 1, 4096)
          .integer("gcn_layers", 4, "GCN layers over the graph", 1, 16)
          .choice("arch_input", "auto", {"auto", "graph", "vec"},
                  "architecture input: the graph (GCN), the flat vector (2 FC), or auto = the graph when present")
          .flag("z_on", true, "the inference network modulating fc3/fc4/fc5 (HELP: on)")
          .real("z_scale", 0.01, "z modulation strength: weights x (1 + z_scale z), biases + z_scale z", 0.0)
          .real("kl_weight", 0.1, "weight of KL(q(z) || N(0, 1)), mean over z's dimensions, in the meta-loss", 0.0)
          .choice("strategy", "meta_sgd", {"meta_sgd", "standard"},
                  "meta_sgd: HELP's meta-learning; standard: latpred's fit with [train]/[transfer] (for comparison)")
          .integer("episodes", 300,
                   "meta-training episodes (HELP: 2000). 300 keeps runs CI-sized: on N1 at k = 10 it scores 0.536 vs "
                   "0.589 at 2000 in ~15% of the meta-training time (bench/results/baselines_help.md)",
                   0)
          .integer("support", 10, "support archs per device and episode", 1)
          .integer("query", 200, "query archs per device and episode (fewer when the source set is smaller)", 1)
          .integer("inner_steps", 2, "inner gradient steps, in meta-training and at adaptation", 0, 100)
          .real("inner_lr", 1e-3, "initial value of every learned inner learning rate", 0.0)
          .real("meta_lr", 1e-4, "Adam learning rate of the outer loop", 0.0)
          .flag("second_order", true, "differentiate through the inner gradient steps (HELP: yes)")
          .integer("mc", 10, "adaptations with sampled z whose predictions are averaged at meta-test", 1, 1000),
      [](const latpred::Params& p) {
        NetworkOptions n;
        n.hidden = p.get_int("hidden");
        n.gcn_layers = p.get_int("gcn_layers");
        n.arch_input = p.get_string("arch_input");
        n.z_on = p.get_bool("z_on");
        n.z_scale = p.get_float("z_scale");
        n.inner_lr = p.get_float("inner_lr");
        MetaOptions m;
        m.episodes = p.get_int("episodes");
        m.support = p.get_int("support");
        m.query = p.get_int("query");
        m.inner_steps = p.get_int("inner_steps");
        m.meta_lr = p.get_float("meta_lr");
        m.kl_weight = p.get_float("kl_weight");
        m.second_order = p.get_bool("second_order");
        m.mc = p.get_int("mc");
        return std::make_shared<HelpModel>(std::move(n), m, p.get_string("strategy") == "meta_sgd");
      });
}

}  // namespace

LATPRED_PLUGIN("help_model", "1.0", register_components)
