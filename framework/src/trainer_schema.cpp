// Kernel schemas of the [train] (pretraining) and [transfer] tables of a study. Pretraining defaults follow the
// benchmark settings of BENCHMARKS.md; transfer defaults are latpred's best (bench/results/n1_transfer.md: lr 1e-3
// for 40 epochs beats the reference's 1e-4 for 20 when every transfer restarts from the pretrained weights).
#include "latpred/experiment.hpp"

namespace latpred {
namespace {

constexpr const char* kLossDoc =
    "hinge: pairwise ranking loss on the scores (NASFLAT); l1 / mse: regression of the score on the latency "
    "min-max normalised to [0, 1] per device over all its measured archs (MultiPredict: l1), mean over a batch";

}  // namespace

const Schema& train_schema() {
  static const Schema schema =
      Schema()
          .integer("source_samples", 256, "architectures sampled per train device (0 = no pretraining)", 0)
          .integer("epochs", 50, "pretraining epochs", 0)
          .real("lr", 1e-3, "AdamW learning rate", 0.0)
          .real("weight_decay", 1e-5, "AdamW weight decay", 0.0)
          .integer("batch_size", 128, "examples (architecture, device) per optimiser step", 2)
          .integer("pairs_per_item", 4, "at most this many ranking pairs per example of a batch", 1)
          .real("margin", 0.1, "margin of the pairwise hinge ranking loss", 0.0)
          .choice("loss", "hinge", {"hinge", "l1", "mse"}, kLossDoc)
          .real("eta_min", 1e-6, "final learning rate of the per-epoch cosine schedule", 0.0);
  return schema;
}

bool is_expert_setting(const std::string& name) { return name.rfind("expert_", 0) == 0; }
bool is_basis_setting(const std::string& name) { return name.rfind("expert_basis_", 0) == 0; }
bool is_idle_expert_setting(const ExperimentConfig& config, const std::string& name) {
  if (is_basis_setting(name)) return config.expert_basis.empty();
  return is_expert_setting(name) && config.expert_features.empty() && config.expert_basis.empty();
}

const Schema& transfer_schema() {
  static const Schema schema =
      Schema()
          .integers("k", {5, 10, 20}, "transfer sample counts; one transfer per k", 1)
          .integer("epochs", 40, "fine-tuning epochs on the k samples", 0)
          .real("lr", 1e-3, "fine-tuning AdamW learning rate", 0.0)
          .real("weight_decay", 1e-5, "fine-tuning weight decay", 0.0)
          .integer("batch_size", 16, "examples per fine-tuning step", 2)
          .integer("pairs_per_item", 4, "at most this many ranking pairs per example of a batch", 1)
          .real("margin", 0.1, "margin of the pairwise hinge ranking loss", 0.0)
          .choice("loss", "hinge", {"hinge", "l1", "mse"}, kLossDoc)
          .real("eta_min", 1e-6, "final learning rate of the per-epoch cosine schedule", 0.0)
          .integer("repeats", 1,
                   "fine-tune this many times from the same starting weights with different seeds and score the mean "
                   "of their predictions (MultiPredict's MC fine-tuning: 10; 1 = one fine-tune)",
                   1, 1000)
          .integer("ensemble_members", 1,
                   "independently pretrained predictors, each fine-tuned on the same transfer samples, whose "
                   "standardised predictions are averaged (a deep ensemble). Member 0 is the run's own pretraining; "
                   "member m pretrains as the run would with a seed derived from the run's and m (stored and reused "
                   "like any pretraining): N members cost N pretrainings and N fine-tunes (extra pretraining time: row "
                   "ensemble_pretrain_seconds)",
                   1, 64)
          .choice("eval_set", "all_minus_transfer", {"all_minus_transfer", "all", "first128"},
                  "architectures scored: every measured arch except the transfer samples (honest), every measured "
                  "arch, or archs 0..127 (the reference code's behaviour, for comparison only)")
          .integer("eval_last_epochs", 1, "average the metrics over the last N fine-tuning epochs (reference: 4)", 1)
          .choice("reset", "pretrained", {"pretrained", "accumulate"},
                  "start each (device, k) transfer from the pretrained weights, or continue from the previous one "
                  "(the reference code's accidental behaviour, NASFLAT_METHOD §10.12)")
          .flag("save_predictions", false, "write per-architecture predictions to the run directory")
          .real("expert_weight", 0.5,
                "with an expert ([expert_features], [expert_basis]): the experts' share of the blend of "
                "standardised predictions, split between them by expert_basis_split (predictor: 1 - weight); "
                "0 = the predictor alone, 1 = the experts alone. Each part is also scored alone (rows "
                "model_spearman, expert_spearman, basis_spearman). With expert_cv_folds: the tie-break",
                0.0, 1.0)
          .real("expert_ridge", 10.0,
                "with [expert_features]: ridge penalty of the linear expert's weights (features standardised over "
                "the space's archs; 0 = least squares, which needs more transfer samples than features)",
                0.0)
          .choice("expert_target", "log_ms", {"log_ms", "ms"},
                  "with [expert_features]: the linear expert regresses log latency (a multiplicative model) or "
                  "latency in ms (an additive one, the sum of per-feature costs)")
          .real("expert_basis_ridge", 1.0,
                "with [expert_basis]: ridge penalty of the basis expert's weights on the train devices' "
                "standardised predictions, fitted on the transfer samples",
                0.0)
          .real("expert_basis_source_ridge", 1.0,
                "with [expert_basis]: ridge penalty of each train device's additive model, fitted once per run on "
                "the source archs (train.source_samples)",
                0.0)
          .integer("expert_basis_source_samples", 0,
                   "with [expert_basis]: source archs each train device's additive model is fitted on; 0 = "
                   "train.source_samples (with the random source sampler the predictor's source archs are the first "
                   "of them, so the train devices are measured on max(both) archs)",
                   0)
          .choice("expert_basis_split", "leave_one_out", {"leave_one_out", "even"},
                  "with [expert_basis] and [expert_features], in transfers not cross-validated: split the experts' "
                  "share (expert_weight) between them by leave-one-out on the transfer samples (rows expert_weight, "
                  "basis_weight), or evenly")
          .integer("expert_cv_folds", 0,
                   "with an expert: 0 = blend with expert_weight; N >= 2 = choose the weights per transfer from "
                   "every split in steps of 0.25 by N-fold cross-validation on the transfer samples (one extra "
                   "fine-tune per fold, of the first ensemble member; ties go to expert_weight; rows expert_weight, "
                   "basis_weight)",
                   0, 100)
          .integer("expert_cv_min_k", 20,
                   "with expert_cv_folds: cross-validate only transfers with at least this many samples; smaller "
                   "ones use expert_weight (a few held-out samples per fold choose worse than a fixed weight: "
                   "bench/results/linear_expert.md)",
                   2);
  return schema;
}

}  // namespace latpred
