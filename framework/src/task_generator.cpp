// Task generation on a Dataset: Spearman matrix, partition (task_partition.cpp), cross-correlation statistics and
// the task-file writer.
#include "latpred/task_generator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "latpred/error.hpp"
#include "latpred/metrics.hpp"
#include "toml_source.hpp"

namespace latpred {
namespace {

struct RankedColumn {
  std::vector<int64_t> archs;  // measured archs, ascending
  std::vector<double> ranks;   // average ranks of the latencies over `archs`
};

std::vector<int> resolve_devices(const Dataset& dataset, const std::vector<std::string>& devices) {
  std::vector<int> indices;
  std::set<std::string> seen;
  for (const auto& name : devices) {
    if (!seen.insert(name).second) throw Error("device '" + name + "' is listed twice");
    indices.push_back(dataset.device_index(name));
  }
  return indices;
}

// Spearman over the archs measured on both devices. Devices with the same measured set (all HELP devices; all
// Eagle devices miss the same archs) reuse their precomputed ranks, so the full matrix costs one sort per device.
double pair_spearman(const Dataset& dataset, int device_a, const RankedColumn& a, int device_b, const RankedColumn& b) {
  if (a.archs == b.archs) return pearson(a.ranks, b.ranks);
  std::vector<double> latency_a, latency_b;
  const auto& column_a = dataset.latency_ms(device_a);
  const auto& column_b = dataset.latency_ms(device_b);
  for (int64_t arch : a.archs) {
    if (dataset.measured(device_b, arch)) {
      latency_a.push_back(column_a[static_cast<std::size_t>(arch)]);
      latency_b.push_back(column_b[static_cast<std::size_t>(arch)]);
    }
  }
  return spearman(latency_a, latency_b);
}

std::string format_rho(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", value);
  return buffer;
}

CrossCorrelation cross_from_matrix(const DenseMatrix& rho, const std::vector<int>& train,
                                   const std::vector<int>& test) {
  CrossCorrelation cross;
  cross.min = 1.0;
  cross.max = -1.0;
  double sum = 0.0;
  cross.best_per_test.assign(test.size(), -1.0);
  for (int t : train) {
    std::vector<double> row;
    for (std::size_t j = 0; j < test.size(); ++j) {
      const double r = rho[t][test[j]];
      row.push_back(r);
      sum += r;
      cross.min = std::min(cross.min, r);
      cross.max = std::max(cross.max, r);
      cross.best_per_test[j] = std::max(cross.best_per_test[j], r);
    }
    cross.rho.push_back(std::move(row));
  }
  cross.mean = sum / static_cast<double>(train.size() * test.size());
  double best_sum = 0.0;
  for (double r : cross.best_per_test) best_sum += r;
  cross.mean_best_per_test = best_sum / static_cast<double>(test.size());
  return cross;
}

// "GPU,mCPU": the distinct device types in order of first appearance, as the published task descriptions.
std::string type_list(const Dataset& dataset, const std::vector<std::string>& devices) {
  std::vector<std::string> types;
  for (const auto& name : devices) {
    const std::string type = to_string(dataset.device(dataset.device_index(name)).type);
    if (std::find(types.begin(), types.end(), type) == types.end()) types.push_back(type);
  }
  return join(types, ",");
}

std::string toml_string_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + detail::toml_quoted(items[i]);
  return out + "]";
}

}  // namespace

DenseMatrix spearman_matrix(const Dataset& dataset, const std::vector<std::string>& devices) {
  const std::vector<int> indices = resolve_devices(dataset, devices);
  std::vector<RankedColumn> columns;
  for (int device : indices) {
    RankedColumn column;
    column.archs = dataset.measured_archs(device);
    std::vector<double> latency;
    latency.reserve(column.archs.size());
    for (int64_t arch : column.archs) latency.push_back(dataset.latency_ms(device)[static_cast<std::size_t>(arch)]);
    column.ranks = average_ranks(latency);
    columns.push_back(std::move(column));
  }
  const std::size_t n = indices.size();
  DenseMatrix rho(n, std::vector<double>(n, 1.0));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      const double r = pair_spearman(dataset, indices[i], columns[i], indices[j], columns[j]);
      if (std::isnan(r)) {
        throw Error("Spearman correlation between devices '" + devices[i] + "' and '" + devices[j] +
                    "' is undefined: they need at least 2 commonly measured architectures and non-constant "
                    "latencies (measured: " +
                    std::to_string(columns[i].archs.size()) + " and " + std::to_string(columns[j].archs.size()) +
                    " archs)");
      }
      rho[i][j] = rho[j][i] = r;
    }
  }
  return rho;
}

CrossCorrelation cross_correlation(const Dataset& dataset, const Task& task) {
  if (task.space != dataset.space().name()) {
    throw Error("task '" + task.name + "' is for the " + task.space + " space, the dataset is " +
                dataset.space().name());
  }
  if (task.train.empty() || task.test.empty()) throw Error("task '" + task.name + "' has no train or test devices");
  std::vector<std::string> devices = task.train;
  devices.insert(devices.end(), task.test.begin(), task.test.end());
  const DenseMatrix rho = spearman_matrix(dataset, devices);
  std::vector<int> train(task.train.size()), test(task.test.size());
  for (std::size_t i = 0; i < train.size(); ++i) train[i] = static_cast<int>(i);
  for (std::size_t j = 0; j < test.size(); ++j) test[j] = static_cast<int>(train.size() + j);
  return cross_from_matrix(rho, train, test);
}

GeneratedTask generate_task(const Dataset& dataset, std::vector<std::string> devices, int m, int n, uint64_t seed,
                            PartitionSign sign, const std::string& name) {
  if (devices.empty()) devices = dataset.device_names();
  const DenseMatrix rho = spearman_matrix(dataset, devices);
  const PrunedSplit split = partition_devices(rho, m, n, seed, sign);

  GeneratedTask generated;
  Task& task = generated.task;
  task.name = name.empty() ? "generated" : name;
  task.space = dataset.space().name();
  for (int i : split.train) task.train.push_back(devices[i]);
  for (int j : split.test) task.test.push_back(devices[j]);
  generated.cross = cross_from_matrix(rho, split.train, split.test);
  task.description = type_list(dataset, task.train) + " -> " + type_list(dataset, task.test) + " (generated: seed " +
                     std::to_string(seed) + ", sign " + to_string(sign) + ", mean train x test Spearman " +
                     format_rho(generated.cross.mean) + ")";
  return generated;
}

std::string task_to_toml(const Task& task, const std::string& comment) {
  std::ostringstream out;
  if (!comment.empty()) {
    std::istringstream lines(comment);
    for (std::string line; std::getline(lines, line);) out << (line.empty() ? "#" : "# " + line) << "\n";
  }
  out << "[task]\n";
  out << "name = " << detail::toml_quoted(task.name) << "\n";
  out << "space = " << detail::toml_quoted(task.space) << "\n";
  out << "description = " << detail::toml_quoted(task.description) << "\n";
  out << "train = " << toml_string_array(task.train) << "\n";
  out << "test = " << toml_string_array(task.test) << "\n";
  return out.str();
}

}  // namespace latpred
