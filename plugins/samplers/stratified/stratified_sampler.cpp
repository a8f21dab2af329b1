// Sampler plugin "stratified": sort the candidates by a scalar (the target's true latency = the oracle, one column
// of the flat features, or NB201 accuracy), split them into k contiguous buckets (numpy array_split) and take one
// uniformly random member per bucket (NASFLAT_METHOD §5.1). Ties in the scalar are ordered by arch id.
#include <map>
#include <utility>

#include "latpred/accuracy.hpp"
#include "latpred/plugin.hpp"
#include "sampler_util.hpp"

namespace {

using latpred::ConfigError;
using latpred::SampleRequest;
namespace smp = latpred::samplers;

class StratifiedSampler : public latpred::Sampler {
 public:
  explicit StratifiedSampler(const latpred::Params& p)
      : on_(p.get_string("on")),
        feature_index_(p.get_int("feature_index")),
        oracle_device_(p.get_string("oracle_device")),
        accuracy_(p.get_string("accuracy")),
        accuracy_split_(p.get_string("accuracy_split")) {}

  std::vector<int64_t> select(const SampleRequest& request) override {
    smp::check_request(request, "stratified");
    const std::vector<double> score = scalar(request);
    const std::vector<int64_t> order = smp::order_by(score, request.candidates, "stratified sampler: the " + on_);
    std::mt19937_64 rng(smp::stream_seed(request.seed, 0));
    // Buckets are disjoint and non-empty (k <= n), so the picks are distinct.
    return smp::to_archs(request, smp::pick_per_bucket(order, request.k, rng));
  }

 private:
  std::vector<double> scalar(const SampleRequest& request) {
    if (!request.data) throw latpred::Error("stratified sampler: the request has no dataset");
    const latpred::Dataset& data = *request.data;
    std::vector<double> out;
    if (on_ == "latency") {
      const int device = latency_device(request);
      for (int64_t arch : request.candidates) {
        if (!data.measured(device, arch))
          throw latpred::Error("stratified sampler: arch " + std::to_string(arch) + " is not measured on device '" +
                               data.device(device).name + "', whose latency it sorts by");
        out.push_back(data.latency_ms(device)[static_cast<std::size_t>(arch)]);
      }
    } else if (on_ == "feature") {
      const smp::FeatureMatrix x = smp::candidate_features(request, "stratified (on = \"feature\")");
      if (feature_index_ >= x.d)
        throw ConfigError({}, "feature_index",
                          "stratified sampler: feature_index " + std::to_string(feature_index_) +
                              " is out of range: the sampler's features have " + std::to_string(x.d) + " columns (0.." +
                              std::to_string(x.d - 1) + ")");
      for (int64_t i = 0; i < x.n; ++i) out.push_back(x.row(i)[feature_index_]);
    } else {
      const std::vector<double>& accuracy = accuracies(request);
      for (int64_t arch : request.candidates) out.push_back(accuracy[static_cast<std::size_t>(arch)]);
    }
    return out;
  }

  int latency_device(const SampleRequest& request) const {
    if (!oracle_device_.empty()) return request.data->device_index(oracle_device_);
    if (request.device < 0)
      throw ConfigError({}, "oracle_device",
                        "stratified sampler on = \"latency\" sorts by the true latency of the device the samples are "
                        "for, but this request (the source samples) has none: set oracle_device to a device name");
    return request.device;
  }

  const std::vector<double>& accuracies(const SampleRequest& request) {
    const latpred::Dataset& data = *request.data;
    if (data.space().name() != "nb201")
      throw ConfigError({}, "on",
                        "stratified sampler: on = \"accuracy\" is available for nb201 only (NATS-Bench table); this "
                        "dataset is " +
                            data.space().name());
    auto it = accuracy_cache_.find(&data);
    if (it == accuracy_cache_.end()) {
      const auto dir = latpred::resolve_data_dir(data.data_dir().string());
      it = accuracy_cache_.emplace(&data, latpred::load_nb201_accuracy(dir, data, accuracy_, accuracy_split_).accuracy)
               .first;
    }
    return it->second;
  }

  std::string on_;
  int64_t feature_index_;
  std::string oracle_device_;
  std::string accuracy_, accuracy_split_;
  // Read once per dataset (it knows its data directory): select() runs for every (device, k) of an experiment.
  std::map<const latpred::Dataset*, std::vector<double>> accuracy_cache_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Sampler>(
      "stratified",
      "Stratified pick on a scalar: sort the candidates ascending (ties by arch id), split them into k contiguous "
      "buckets (numpy array_split: sizes differ by <= 1, larger first) and take one uniformly random member per "
      "bucket. on = latency is the oracle sampler (the true latency of the device the samples are for).",
      latpred::Schema()
          .choice("on", "latency", {"latency", "feature", "accuracy"},
                  "latency: true latency of the target device (oracle); feature: column feature_index of the "
                  "sampler's flat features (see [sampler_features]); accuracy: NB201 NATS-Bench test accuracy")
          .integer("feature_index", 0, "column of the flat features used when on = \"feature\"", 0)
          .text("oracle_device", "",
                "on = \"latency\": sort by this device's latency instead of the target's (needed for the source "
                "samples, which have no target; NASFLAT's metric_device)")
          .choice("accuracy", "cifar10", latpred::nb201_accuracy_metrics(),
                  "on = \"accuracy\": which NATS-Bench accuracy (<data_dir>/natsbench_tss_accuracy/nats_bench.csv)")
          .choice("accuracy_split", "test", latpred::accuracy_splits(),
                  "on = \"accuracy\": the split (the shared table holds test accuracies only)"),
      [](const latpred::Params& p) { return std::make_shared<StratifiedSampler>(p); });
}

}  // namespace

LATPRED_PLUGIN("stratified_sampler", "1.0", register_components)
