// run_experiment: pretrain on the task's train devices, then for every (test device, k) reset to the pretrained
// weights, fine-tune on k sampled archs and evaluate on the chosen evaluation set (NASFLAT_METHOD §4).
#include "latpred/experiment.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include "device_basis.hpp"
#include "expert_weight.hpp"
#include "finetune.hpp"
#include "latpred/devicerep.hpp"
#include "latpred/encoder.hpp"
#include "latpred/metrics.hpp"
#include "latpred/model.hpp"
#include "latpred/sampler.hpp"
#include "latpred/training_strategy.hpp"
#include "linear_expert.hpp"
#include "predictor.hpp"
#include "pretrain_store.hpp"
#include "seeding.hpp"

namespace fs = std::filesystem;

namespace latpred {

std::shared_ptr<const Dataset> Workspace::dataset(const std::string& data_dir, const std::string& space) {
  const std::string key = data_dir + "\n" + space;
  auto it = datasets_.find(key);
  if (it != datasets_.end()) return it->second;
  auto data = load_dataset(data_dir, space);
  datasets_[key] = data;
  return data;
}

void Workspace::put(const std::string& data_dir, const std::string& space, std::shared_ptr<const Dataset> data) {
  datasets_[data_dir + "\n" + space] = std::move(data);
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

std::vector<int> device_indices(const Dataset& data, const std::vector<std::string>& names) {
  std::vector<int> out;
  out.reserve(names.size());
  for (const auto& name : names) out.push_back(data.device_index(name));
  return out;
}

// Archs measured on every device in `devices`.
std::vector<int64_t> measured_on_all(const Dataset& data, const std::vector<int>& devices) {
  std::vector<int64_t> out;
  for (int64_t arch = 0; arch < data.num_archs(); ++arch) {
    bool all = true;
    for (int d : devices) all = all && data.measured(d, arch);
    if (all) out.push_back(arch);
  }
  return out;
}

// Appends the .vec of every encoder of `extra` to `features.vec`, in order; `slot` names them in errors.
void append_vectors(ArchFeatures& features, const std::vector<ComponentConfig>& extra, std::size_t first,
                    const std::string& slot, const Registry& registry, const Dataset& data) {
  for (std::size_t i = first; i < extra.size(); ++i) {
    const ComponentConfig& component = extra[i];
    const ArchFeatures more = registry.create<Encoder>(component.type, component.params)->encode(data);
    const std::string key = extra.size() > 1 ? slot + "[" + std::to_string(i) + "].type" : slot + ".type";
    if (!more.vec.defined()) {
      throw ConfigError({}, key, "encoder '" + component.type + "' produces no flat vector to concatenate");
    }
    if (more.vec.size(0) != data.num_archs()) {
      throw ConfigError({}, key,
                        "encoder '" + component.type + "' produced " + std::to_string(more.vec.size(0)) + " rows for " +
                            std::to_string(data.num_archs()) + " architectures");
    }
    features.vec = features.vec.defined() ? at::cat({features.vec, more.vec}, 1) : more.vec;
  }
}

// The features of [sampler_features]: the first encoder's, with the vectors of the others appended (empty when
// the study has none).
ArchFeatures encode_sampler_features(const ExperimentConfig& config, const Registry& registry, const Dataset& data) {
  if (config.sampler_features.empty()) return {};
  const ComponentConfig& first = config.sampler_features.front();
  ArchFeatures features = registry.create<Encoder>(first.type, first.params)->encode(data);
  if (config.sampler_features.size() > 1 && !features.vec.defined()) {
    throw ConfigError({}, "sampler_features[0].type",
                      "encoder '" + first.type + "' produces no flat vector to concatenate with the others");
  }
  append_vectors(features, config.sampler_features, 1, "sampler_features", registry, data);
  return features;
}

// The linear expert of [expert_features] over the concatenated vectors of its encoders; none without them.
std::optional<LinearExpert> make_expert(const ExperimentConfig& config, const Registry& registry, const Dataset& data) {
  if (config.expert_features.empty()) return std::nullopt;
  ArchFeatures features;
  append_vectors(features, config.expert_features, 0, "expert_features", registry, data);
  return LinearExpert(features.vec);
}

// Fits the expert on the transfer samples of `target`; its predictions of every arch set, repeated for each of
// `evaluations` (the predictor's evaluated epochs) so that the two blend evaluation by evaluation.
EpochPredictions expert_predictions(LinearExpert& expert, double ridge, FitTarget fit_target,
                                    const std::string& ridge_key, const Dataset& data, int target,
                                    const std::vector<std::vector<int64_t>>& arch_sets, std::size_t evaluations) {
  const std::vector<int64_t>& transfer_archs = arch_sets.at(1);
  std::vector<float> latency;
  latency.reserve(transfer_archs.size());
  for (int64_t arch : transfer_archs) latency.push_back(data.latency_ms(target)[arch]);
  try {
    expert.fit(transfer_archs, latency, ridge, fit_target);
  } catch (const std::invalid_argument& e) {
    throw ConfigError({}, "transfer." + ridge_key, e.what());
  }
  std::vector<std::vector<float>> sets;
  sets.reserve(arch_sets.size());
  for (const auto& archs : arch_sets) sets.push_back(expert.predict(archs));
  return EpochPredictions(evaluations, sets);
}

// An expert of a run's blend: the rows it reports (<name>_spearman, <name>_weight), its ridge setting and what it
// regresses.
struct RunExpert {
  std::string name;
  std::string ridge_key;
  FitTarget target;
  LinearExpert expert;
};

// Up to 256 archs spread evenly over `archs`: the scale of a cross-validation fold's scores.
std::vector<int64_t> spread(const std::vector<int64_t>& archs) {
  const std::size_t step = std::max<std::size_t>(1, archs.size() / 256);
  std::vector<int64_t> out;
  for (std::size_t i = 0; i < archs.size(); i += step) out.push_back(archs[i]);
  return out;
}

// Spearman on the evaluation set (sets[0]) against `truth`, averaged over the evaluated epochs: how a blend's part
// ranks alone.
double mean_spearman(const EpochPredictions& predictions, const std::vector<double>& truth) {
  double sum = 0.0;
  for (const auto& sets : predictions) sum += spearman({sets.at(0).begin(), sets.at(0).end()}, truth);
  return sum / static_cast<double>(std::max<std::size_t>(1, predictions.size()));
}

std::vector<int64_t> evaluation_archs(const std::string& eval_set, const std::vector<int64_t>& measured,
                                      const std::vector<int64_t>& transfer) {
  if (eval_set == "all") return measured;
  if (eval_set == "first128") {
    std::vector<int64_t> out;
    for (int64_t a : measured) {
      if (a < 128) out.push_back(a);
    }
    return out;
  }
  const std::set<int64_t> skip(transfer.begin(), transfer.end());
  std::vector<int64_t> out;
  for (int64_t a : measured) {
    if (!skip.count(a)) out.push_back(a);
  }
  return out;
}

struct Scores {
  std::map<std::string, double> metrics;
  Prediction prediction;
};

// The measured archs among indices 0-127, transfer samples included: the reference code's evaluation set, scored
// beside the main metrics so one run shows how much it inflates or deflates them.
std::vector<int64_t> first128_archs(const Dataset& data, int device) {
  std::vector<int64_t> first128;
  for (int64_t a = 0; a < std::min<int64_t>(128, data.num_archs()); ++a) {
    if (data.measured(device, a)) first128.push_back(a);
  }
  return first128;
}

double reference_spearman(const std::vector<float>& pred, const Dataset& data, int device,
                          const std::vector<int64_t>& first128) {
  if (first128.size() < 2) return std::nan("");
  std::vector<double> truth;
  truth.reserve(first128.size());
  for (int64_t a : first128) truth.push_back(data.normalized(device)[a]);
  return spearman({pred.begin(), pred.end()}, truth);
}

// Metrics from the predictions on (eval_archs, transfer_archs, first128), in that order (mc_predictions' sets).
Scores score_device(const std::vector<std::vector<float>>& sets, const Dataset& data, int device,
                    const std::vector<int64_t>& eval_archs, const std::vector<int64_t>& transfer_archs,
                    const std::vector<int64_t>& first128) {
  Scores out;
  const std::vector<float>& pred = sets.at(0);
  std::vector<double> score(pred.begin(), pred.end()), truth_norm, truth_ms;
  for (int64_t a : eval_archs) {
    truth_norm.push_back(data.normalized(device)[a]);
    truth_ms.push_back(data.latency_ms(device)[a]);
  }
  out.metrics["spearman"] = spearman(score, truth_norm);
  out.metrics["kendall"] = kendall_tau_b(score, truth_norm);
  // Scores are ranks with an arbitrary scale: map them to ms with a line fitted on the transfer samples.
  const std::vector<float>& transfer_pred = sets.at(1);
  std::vector<double> transfer_ms;
  transfer_ms.reserve(transfer_archs.size());
  for (int64_t a : transfer_archs) transfer_ms.push_back(data.latency_ms(device)[a]);
  const LinearCalibration line = fit_linear({transfer_pred.begin(), transfer_pred.end()}, transfer_ms);
  std::vector<double> predicted_ms;
  predicted_ms.reserve(score.size());
  for (double s : score) predicted_ms.push_back(line.apply(s));
  out.metrics["mape"] = mape(predicted_ms, truth_ms);
  out.metrics["within5"] = within_fraction(predicted_ms, truth_ms, 0.05);
  out.metrics["within10"] = within_fraction(predicted_ms, truth_ms, 0.10);
  out.metrics["top50_recall"] = topk_recall(score, truth_ms, std::min<int64_t>(50, score.size()));
  out.metrics["spearman_first128"] = reference_spearman(sets.at(2), data, device, first128);
  out.prediction.archs = eval_archs;
  out.prediction.score = pred;
  out.prediction.predicted_ms.assign(predicted_ms.begin(), predicted_ms.end());
  out.prediction.true_ms.assign(truth_ms.begin(), truth_ms.end());
  return out;
}

// The run's source archs, measured on every train device (none when train.source_samples is 0).
std::vector<int64_t> source_archs(const ExperimentConfig& config, const Registry& registry, const Dataset& data,
                                  const std::vector<int>& train_devices, const ArchFeatures* sample_on) {
  const int64_t source_samples = config.train.get_int("source_samples");
  if (source_samples <= 0) return {};
  const std::vector<int64_t> source_pool = measured_on_all(data, train_devices);
  const ComponentConfig source_cfg = config.source_sampler.value_or(ComponentConfig{"random", Params()});
  auto source_sampler = registry.create<Sampler>(source_cfg.type, source_cfg.params);
  const SampleRequest request{&data,       sample_on,
                              source_pool, std::min<int64_t>(source_samples, source_pool.size()),
                              -1,          derive_seed(config.seed, "source")};
  return source_sampler->select(request);
}

// The basis expert of [expert_basis]: a linear expert over the train devices' additive models; none without it.
std::optional<LinearExpert> make_basis_expert(const ExperimentConfig& config, const Registry& registry,
                                              const Dataset& data, const std::vector<int>& train_devices,
                                              const ArchFeatures* sample_on) {
  if (config.expert_basis.empty()) return std::nullopt;
  ArchFeatures positions;
  append_vectors(positions, config.expert_basis, 0, "expert_basis", registry, data);
  // The additive models are cheap to fit: they may read more source archs than the predictor trains on (with the
  // random source sampler, the predictor's archs are the first of them).
  ExperimentConfig basis_config = config;
  const int64_t basis_samples = config.transfer.get_int("expert_basis_source_samples");
  if (basis_samples > 0) basis_config.train.set("source_samples", basis_samples);
  const std::vector<int64_t> source = source_archs(basis_config, registry, data, train_devices, sample_on);
  if (source.empty()) {
    throw ConfigError({}, "train.source_samples",
                      "[expert_basis] fits each train device's model on the source archs: expected "
                      "train.source_samples > 0 (or transfer.expert_basis_source_samples > 0)");
  }
  try {
    return LinearExpert(device_basis(data, positions.vec, train_devices, source,
                                     config.transfer.get_float("expert_basis_source_ridge")));
  } catch (const std::invalid_argument& e) {
    throw ConfigError({}, "transfer.expert_basis_source_ridge", e.what());
  }
}

// Pretrains on the source archs (the same on every train device) and returns the rows it reports: its time, the
// examples it saw and how well the result ranks each train device.
std::vector<ResultRow> pretrain(const ExperimentConfig& config, const Registry& registry, const Dataset& data,
                                const std::vector<int>& train_devices, const ArchFeatures* sample_on,
                                Predictor& predictor, TrainingStrategy& strategy, const ProgressFn& progress) {
  std::vector<ResultRow> rows;
  auto add_row = [&](const std::string& device, const std::string& metric, double value) {
    rows.push_back({config.task.name, device, 0, config.seed, metric, value});
  };
  const std::vector<int64_t> source_pool = measured_on_all(data, train_devices);
  std::vector<Example> pretrain;
  for (int64_t arch : source_archs(config, registry, data, train_devices, sample_on)) {
    for (int d : train_devices) pretrain.push_back({arch, d, data.normalized(d)[arch]});
  }
  std::mt19937_64 train_rng(derive_seed(config.seed, "pretrain"));
  const auto pretrain_start = Clock::now();
  int64_t epochs_run = 0;
  if (!pretrain.empty()) {
    const double loss =
        strategy.pretrain(predictor, pretrain, config.train, train_rng, [&](int64_t epoch, int64_t epochs) {
          epochs_run = epoch + 1;
          if (progress) progress("pretrain", epoch + 1, epochs);
        });
    spdlog::info("pretrained on {} examples ({} archs x {} devices), {} epochs, final loss {:.4f}, {:.1f} s",
                 pretrain.size(), pretrain.size() / train_devices.size(), train_devices.size(), epochs_run, loss,
                 seconds_since(pretrain_start));
  }
  add_row("", "pretrain_seconds", seconds_since(pretrain_start));
  // Examples seen in pretraining (archs x devices x epochs): with pretrain_seconds, the training throughput.
  add_row("", "pretrain_example_epochs", static_cast<double>(pretrain.size()) * static_cast<double>(epochs_run));
  // How well the pretrained model ranks its own train devices (on up to 2000 archs): a fit diagnostic.
  if (!pretrain.empty()) {
    std::vector<int64_t> probe;
    const std::size_t stride = std::max<std::size_t>(1, source_pool.size() / 2000);
    for (std::size_t i = 0; i < source_pool.size(); i += stride) probe.push_back(source_pool[i]);
    for (int d : train_devices) {
      const std::vector<float> pred = predictor.predict(probe, d);
      std::vector<double> truth;
      truth.reserve(probe.size());
      for (int64_t a : probe) truth.push_back(data.normalized(d)[a]);
      const double rho = spearman({pred.begin(), pred.end()}, truth);
      add_row(data.device(d).name, "source_spearman", rho);
      spdlog::info("pretrained model on train device {}: spearman {:.4f}", data.device(d).name, rho);
    }
  }
  return rows;
}

// Loads a stored pretrained state into the predictor and the global generator; DataError naming the file when it
// does not fit the predictor (a plugin whose parameters changed since the state was stored).
void reuse_pretrained(const PretrainedState& stored, const fs::path& file, Predictor& predictor) {
  const std::vector<at::Tensor> current = predictor.snapshot();
  bool fits = current.size() == stored.weights.size();
  for (std::size_t i = 0; fits && i < current.size(); ++i) {
    fits =
        current[i].sizes() == stored.weights[i].sizes() && current[i].scalar_type() == stored.weights[i].scalar_type();
  }
  if (!fits) {
    throw DataError(file.string(), 0,
                    "the stored pretrained state does not fit the predictor (" + std::to_string(stored.weights.size()) +
                        " stored tensors, " + std::to_string(current.size()) +
                        " in the predictor, or shapes that differ): did a plugin change since it was stored? Delete "
                        "the file to pretrain again");
  }
  predictor.restore(stored.weights);
  set_default_generator_state(stored.generator, file);
  spdlog::info("pretrained state reused from {}", file.string());
}

}  // namespace

ArchFeatures encode_features(const ExperimentConfig& config, const Registry& registry, const Dataset& data) {
  auto encoder = registry.create<Encoder>(config.encoder.type, config.encoder.params);
  ArchFeatures features = encoder->encode(data);
  append_vectors(features, config.supplementary, 0, "supplementary", registry, data);
  return features;
}

namespace {

// One pretrained predictor of a run: the run's own (member 0) or an extra member of transfer.ensemble_members,
// which pretrains exactly as the run would with the member's seed (and is stored and reused like any pretraining).
struct Member {
  uint64_t seed = 0;  // the seed it pretrains and fine-tunes with
  std::unique_ptr<Predictor> predictor;
  // Declared after the predictor (destroyed first): a plugin's strategy may refer to its model.
  std::shared_ptr<TrainingStrategy> strategy;
  std::vector<at::Tensor> pretrained;
  std::vector<ResultRow> pretrain_rows;
  bool reused = false;
};

// Builds the member's predictor over `features` and pretrains it, or loads its stored pretraining.
Member make_member(const ExperimentConfig& config, const Registry& registry, const Dataset& data,
                   const ArchFeatures& features, const ArchFeatures* sample_on, const std::vector<int>& train_devices,
                   const std::vector<int>& test_devices, const ProgressFn& progress, const fs::path& pretrained_dir) {
  Member member;
  member.seed = config.seed;
  auto devicerep = registry.create<DeviceRep>(config.devicerep.type, config.devicerep.params);
  devicerep->prepare(DeviceContext{&data, train_devices, test_devices, config.data_dir});
  auto model = registry.create<Model>(config.model.type, config.model.params);
  ModelShape shape;
  if (features.adj.defined()) shape.num_nodes = features.adj.size(1);
  shape.num_node_labels = features.num_node_labels;
  if (features.vec.defined()) shape.vec_dim = features.vec.size(1);
  shape.device_dim = devicerep->dim();
  model->build(shape);
  member.predictor = std::make_unique<Predictor>(model, devicerep, features);
  member.strategy = model->training_strategy();

  // Pretraining, or its stored state when a run with the same pretraining identity stored one.
  const std::string identity = pretrained_dir.empty() ? std::string() : store_identity(config);
  const fs::path state_file = identity.empty() ? fs::path() : pretrained_state_path(pretrained_dir, identity);
  const std::optional<PretrainedState> stored =
      identity.empty() ? std::nullopt : load_pretrained_state(state_file, identity);
  if (stored) {
    reuse_pretrained(*stored, state_file, *member.predictor);
    member.pretrain_rows = stored->rows;
  } else {
    member.pretrain_rows =
        pretrain(config, registry, data, train_devices, sample_on, *member.predictor, *member.strategy, progress);
  }
  member.reused = stored.has_value();
  member.pretrained = member.predictor->snapshot();
  if (!stored && !identity.empty()) {
    store_pretrained_state(state_file, identity, {member.pretrained, default_generator_state(), member.pretrain_rows});
  }
  return member;
}

// Fine-tune seeds of one (device, k) transfer: one per repeat, the first the seed of a single fine-tune.
std::vector<uint64_t> finetune_seeds(uint64_t seed, const std::string& device, int64_t k, int64_t repeats) {
  std::vector<uint64_t> seeds{derive_seed(seed, "finetune", device, k)};
  seeds.reserve(static_cast<std::size_t>(std::max<int64_t>(1, repeats)));
  for (int64_t r = 1; r < repeats; ++r) {
    seeds.push_back(derive_seed(seed, "finetune_repeat_" + std::to_string(r), device, k));
  }
  return seeds;
}

}  // namespace

ExperimentResult run_experiment(const ExperimentConfig& config, const Registry& registry, Workspace& workspace,
                                const ProgressFn& progress, const fs::path& pretrained_dir) {
  const auto start = Clock::now();
  at::manual_seed(config.seed);
  const Task& task = config.task;
  const std::shared_ptr<const Dataset> data_ptr = workspace.dataset(config.data_dir, task.space);
  const Dataset& data = *data_ptr;
  const std::vector<int> train_devices = device_indices(data, task.train);
  const std::vector<int> test_devices = device_indices(data, task.test);

  const ArchFeatures features = encode_features(config, registry, data);
  const ArchFeatures sampler_features = encode_sampler_features(config, registry, data);
  // What both samplers read: [sampler_features] when given, else the predictor's own features.
  const ArchFeatures* sample_on = config.sampler_features.empty() ? &features : &sampler_features;

  ExperimentResult result;
  auto add_row = [&](const std::string& device, int64_t k, const std::string& metric, double value) {
    result.rows.push_back({task.name, device, k, config.seed, metric, value});
  };

  std::vector<Member> members;
  members.push_back(
      make_member(config, registry, data, features, sample_on, train_devices, test_devices, progress, pretrained_dir));
  result.rows.insert(result.rows.end(), members[0].pretrain_rows.begin(), members[0].pretrain_rows.end());
  add_row("", 0, "pretrain_reused", members[0].reused ? 1.0 : 0.0);
  const int64_t ensemble = config.transfer.get_int("ensemble_members");
  if (ensemble > 1) {
    // The transfers of member 0 start from the generator state a single-model run has here.
    const at::Tensor generator = default_generator_state();
    double member_seconds = 0.0;
    for (int64_t m = 1; m < ensemble; ++m) {
      ExperimentConfig member_config = config;
      member_config.seed = derive_seed(config.seed, "ensemble_member", "", m);
      at::manual_seed(member_config.seed);
      members.push_back(make_member(member_config, registry, data, features, sample_on, train_devices, test_devices,
                                    progress, pretrained_dir));
      for (const ResultRow& row : members.back().pretrain_rows) {
        if (row.metric == "pretrain_seconds") member_seconds += row.value;
      }
    }
    // Pretraining time of the extra members (their stored time when reused): the ensemble's added cost.
    add_row("", 0, "ensemble_pretrain_seconds", member_seconds);
    set_default_generator_state(generator, "(the run's generator state before its ensemble members)");
  }

  // Transfer to every (test device, k).
  auto sampler = registry.create<Sampler>(config.sampler.type, config.sampler.params);
  const std::string eval_set = config.transfer.get_string("eval_set");
  const int64_t eval_last = std::max<int64_t>(1, config.transfer.get_int("eval_last_epochs"));
  const int64_t repeats = config.transfer.get_int("repeats");
  const bool reset = config.transfer.get_string("reset") == "pretrained";
  const bool keep_predictions = config.transfer.get_bool("save_predictions");
  const std::vector<int64_t> ks = config.transfer.get_ints("k");
  std::vector<RunExpert> experts;
  if (std::optional<LinearExpert> expert = make_expert(config, registry, data)) {
    const bool additive = config.transfer.get_string("expert_target") == "ms";
    experts.push_back({"expert", "expert_ridge", additive ? FitTarget::kMs : FitTarget::kLogMs, std::move(*expert)});
  }
  if (std::optional<LinearExpert> basis = make_basis_expert(config, registry, data, train_devices, sample_on)) {
    experts.push_back({"basis", "expert_basis_ridge", FitTarget::kLogMs, std::move(*basis)});
  }
  const double expert_weight = config.transfer.get_float("expert_weight");
  const int64_t expert_cv_folds = config.transfer.get_int("expert_cv_folds");
  const int64_t expert_cv_min_k = config.transfer.get_int("expert_cv_min_k");
  {
    // Settings of an absent expert do nothing (and stay out of the run key): say so.
    const Params defaults = default_params(transfer_schema());
    for (const auto& [name, value] : config.transfer.values()) {
      if (is_idle_expert_setting(config, name) && value != defaults.values().at(name)) {
        spdlog::warn("transfer.{} is set but the study has no {}: there is no expert to weigh", name,
                     is_basis_setting(name) ? "[expert_basis]" : "[expert_features] or [expert_basis]");
      }
    }
  }
  auto expert_parts = [&] {
    std::vector<ExpertPart> parts;
    parts.reserve(experts.size());
    for (RunExpert& e : experts) parts.push_back({&e.expert, config.transfer.get_float(e.ridge_key), e.target});
    return parts;
  };
  // The fixed blend: the predictor 1 - expert_weight, the experts share expert_weight.
  BlendWeights fixed_weights{1.0 - expert_weight};
  for (std::size_t e = 0; e < experts.size(); ++e) {
    fixed_weights.push_back(expert_weight / static_cast<double>(experts.size()));
  }
  if (!experts.empty() && expert_cv_folds == 1) {
    throw ConfigError({}, "transfer.expert_cv_folds", "expected 0 (a fixed weight) or at least 2 folds, got 1");
  }
  if (!experts.empty() && expert_cv_folds > 0 && !reset) {
    throw ConfigError({}, "transfer.expert_cv_folds",
                      "choosing the expert's weight by cross-validation needs every transfer to start from the "
                      "pretrained weights (transfer.reset = \"pretrained\")");
  }
  int64_t done = 0;
  const auto total = static_cast<int64_t>(test_devices.size() * ks.size());
  for (int target : test_devices) {
    const std::string& name = data.device(target).name;
    const std::vector<int64_t> measured = data.measured_archs(target);
    for (int64_t k : ks) {
      const auto transfer_start = Clock::now();
      const SampleRequest request{&data, sample_on, measured, k, target, derive_seed(config.seed, "transfer", name, k)};
      const std::vector<int64_t> transfer_archs = sampler->select(request);
      result.transfer_samples.push_back({name, k, transfer_archs});
      std::vector<Example> examples;
      examples.reserve(transfer_archs.size());
      for (int64_t arch : transfer_archs) examples.push_back({arch, target, data.normalized(target)[arch]});
      const std::vector<int64_t> eval_archs = evaluation_archs(eval_set, measured, transfer_archs);
      const std::vector<int64_t> first128 = first128_archs(data, target);
      // The blend weights of this transfer: fixed, or chosen by cross-validation on the transfer samples with
      // the first member (before its own transfer, which restores the pretrained weights).
      BlendWeights weights = fixed_weights;
      bool chosen = false;  // per transfer (rows <expert>_weight), not fixed
      if (!experts.empty() && expert_cv_folds > 0 && k >= expert_cv_min_k) {
        Member& first = members.front();
        const ExpertCv cv{first.predictor.get(),
                          first.strategy.get(),
                          &first.pretrained,
                          expert_parts(),
                          &data,
                          target,
                          train_devices,
                          transfer_archs,
                          spread(eval_archs),
                          &config.transfer,
                          expert_cv_folds,
                          derive_seed(config.seed, "expert_cv", name, k),
                          fixed_weights};
        weights = cross_validated_blend_weights(cv);
        chosen = true;
      } else if (experts.size() > 1 && config.transfer.get_string("expert_basis_split") == "leave_one_out") {
        weights =
            leave_one_out_expert_split(expert_parts(), data, target, transfer_archs, spread(eval_archs), expert_weight);
        chosen = true;
      }
      for (std::size_t e = 0; chosen && e < experts.size(); ++e) {
        add_row(name, k, experts[e].name + "_weight", weights[e + 1]);
      }
      double predict_seconds = 0.0;
      std::vector<EpochPredictions> per_member;
      for (Member& member : members) {
        Predictor& predictor = *member.predictor;
        if (reset) predictor.restore(member.pretrained);
        predictor.devicerep().begin_transfer(TransferContext{&data, target, train_devices, transfer_archs});
        double seconds = 0.0;
        per_member.push_back(mc_predictions(
            predictor, finetune_seeds(member.seed, name, k, repeats), eval_last,
            [&](std::mt19937_64& rng, const std::function<void(int64_t, int64_t)>& after_epoch) {
              member.strategy->adapt(predictor, examples, config.transfer, rng, after_epoch);
            },
            [&](const std::vector<int64_t>& archs) { return member.strategy->predict(predictor, archs, target); },
            {eval_archs, transfer_archs, first128}, &seconds));
        predict_seconds += seconds;
      }
      EpochPredictions predictions =
          per_member.size() == 1 ? std::move(per_member.front()) : mean_of_standardised(per_member);
      if (!experts.empty()) {
        std::vector<double> truth;
        truth.reserve(eval_archs.size());
        for (int64_t a : eval_archs) truth.push_back(data.normalized(target)[a]);
        add_row(name, k, "model_spearman", mean_spearman(predictions, truth));
        std::vector<EpochPredictions> parts{std::move(predictions)};
        for (RunExpert& e : experts) {
          parts.push_back(expert_predictions(e.expert, config.transfer.get_float(e.ridge_key), e.target, e.ridge_key,
                                             data, target, {eval_archs, transfer_archs, first128}, parts[0].size()));
          add_row(name, k, e.name + "_spearman", mean_spearman(parts.back(), truth));
        }
        predictions = mean_of_standardised(parts, weights);
      }
      std::map<std::string, double> sums;
      Scores last;
      for (const auto& sets : predictions) {
        last = score_device(sets, data, target, eval_archs, transfer_archs, first128);
        for (const auto& [metric, value] : last.metrics) sums[metric] += value;
      }
      sums["predict_seconds"] = predict_seconds * static_cast<double>(predictions.size());
      const auto evals = static_cast<double>(predictions.size());
      for (const auto& [metric, value] : sums) {
        add_row(name, k, metric, value / evals);
      }
      add_row(name, k, "eval_archs", static_cast<double>(eval_archs.size()));
      add_row(name, k, "transfer_seconds", seconds_since(transfer_start));
      spdlog::info("{} {} k={}: spearman {:.4f} kendall {:.4f} on {} archs", task.name, name, k,
                   sums["spearman"] / evals, sums["kendall"] / evals, eval_archs.size());
      if (keep_predictions) {
        last.prediction.device = name;
        last.prediction.k = k;
        result.predictions.push_back(std::move(last.prediction));
      }
      if (progress) progress("transfer", ++done, total);
    }
  }
  add_row("", 0, "total_seconds", seconds_since(start));
  return result;
}

}  // namespace latpred
