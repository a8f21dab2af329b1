// Shared by the experiment tests: a small real transfer task and result lookups.
#pragma once

#include <string>
#include <vector>

#include "latpred/experiment.hpp"
#include "latpred/registry.hpp"

namespace latpred::test {

// A small real task: two GPUs -> a third GPU, a small DGF model, few epochs.
inline ExperimentConfig small_gpu_task(const Registry& registry, const std::string& data_dir) {
  ExperimentConfig c;
  c.data_dir = data_dir;
  c.task = {"gpu3", "nb201", {"1080ti_1", "2080ti_1"}, {"titan_rtx_1"}, "test task"};
  auto component = [&](const char* kind, const std::string& type) {
    return ComponentConfig{type, default_params(registry.get(kind, type).schema)};
  };
  c.encoder = component("encoder", "adjacency_ops");
  c.encoder.params.set("graph", std::string("full"));
  c.sampler = component("sampler", "random");
  c.devicerep = component("devicerep", "learned_embedding");
  c.model = component("model", "dgf");
  c.model.params.set("gnn_dims", std::vector<int64_t>{32, 32});
  c.model.params.set("op_update_dims", std::vector<int64_t>{32});
  c.model.params.set("head_dims", std::vector<int64_t>{64, 64});
  c.train = default_params(train_schema());
  c.train.set("source_samples", int64_t{128});
  c.train.set("epochs", int64_t{30});
  c.train.set("batch_size", int64_t{32});
  c.transfer = default_params(transfer_schema());
  c.transfer.set("k", std::vector<int64_t>{20});
  c.transfer.set("epochs", int64_t{5});
  c.transfer.set("lr", 1e-4);
  c.seed = 3;
  return c;
}

// A quick task on the built-in data (always present): two CPU configurations measured by latpred -> a third,
// 32 source archs x 2 epochs, k = 10 with 3 fine-tuning epochs.
inline ExperimentConfig builtin_cpu_task(const Registry& registry) {
  ExperimentConfig c = small_gpu_task(registry, std::string(LATPRED_SOURCE_DIR) + "/data");
  c.task = {"cpu", "nb201", {"cpu_b1_t1", "cpu_b4_t1"}, {"cpu_in64_b1_t1"}, "built-in data"};
  c.train.set("source_samples", int64_t{32});
  c.train.set("epochs", int64_t{2});
  c.transfer.set("k", std::vector<int64_t>{10});
  c.transfer.set("epochs", int64_t{3});
  return c;
}

// The op_counts encoder with `features` ("counts", "onehot" or "both"): the experts' usual features.
inline ComponentConfig op_counts(const Registry& registry, const std::string& features) {
  Params params = default_params(registry.get("encoder", "op_counts").schema);
  params.set("features", features);
  return {"op_counts", params};
}

// Every value of metric `name` in the result, in row order.
inline std::vector<double> metric_values(const ExperimentResult& result, const std::string& name) {
  std::vector<double> out;
  for (const auto& row : result.rows) {
    if (row.metric == name) out.push_back(row.value);
  }
  return out;
}

}  // namespace latpred::test
