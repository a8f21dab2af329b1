// NB201 accuracy table: NATS-Bench-tss accuracies aligned to a latency dataset by op choices.
#include "latpred/accuracy.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "latpred/csv.hpp"
#include "latpred/error.hpp"

namespace latpred {
namespace {

const char* const kRelativeFile = "natsbench_tss_accuracy/nats_bench.csv";

// Column name of a metric and split in the NATS-Bench export, e.g. CIFAR10TestAccuracy200Epochs.
std::string column_name(const std::string& metric, const std::string& split) {
  const std::map<std::string, std::string> prefix = {
      {"cifar10", "CIFAR10"}, {"cifar100", "CIFAR100"}, {"ImageNet16-120", "ImageNet"}};
  return prefix.at(metric) + (split == "test" ? "Test" : "Valid") + "Accuracy200Epochs";
}

std::size_t column_index(const std::vector<std::string>& header, const std::string& name, const std::string& file,
                         const std::string& why) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw DataError(file, 1,
                  "no column '" + name + "' (" + why + "). " + did_you_mean(name, header) + "Columns: " + join(header));
}

}  // namespace

std::vector<std::string> nb201_accuracy_metrics() { return {"cifar10", "cifar100", "ImageNet16-120"}; }
std::vector<std::string> accuracy_splits() { return {"test", "valid"}; }

AccuracyTable load_nb201_accuracy(const std::filesystem::path& data_dir, const Dataset& dataset,
                                  const std::string& metric, const std::string& split) {
  if (dataset.space().name() != "nb201")
    throw Error("accuracy tables exist for the nb201 space only, not '" + dataset.space().name() + "'");
  const auto metrics = nb201_accuracy_metrics();
  if (std::find(metrics.begin(), metrics.end(), metric) == metrics.end())
    throw Error("unknown accuracy metric '" + metric + "'. " + did_you_mean(metric, metrics) +
                "Metrics: " + join(metrics));
  const auto splits = accuracy_splits();
  if (std::find(splits.begin(), splits.end(), split) == splits.end())
    throw Error("unknown accuracy split '" + split + "'. Splits: " + join(splits));

  AccuracyTable table{metric, split, data_dir / kRelativeFile, {}};
  const std::string file = table.file.string();
  std::ifstream in(table.file);
  if (!in) throw DataError(file, 0, "cannot open the NB201 accuracy table (file missing or unreadable)");
  std::string line;
  if (!std::getline(in, line)) throw DataError(file, 1, "empty file, expected a header line");
  const std::vector<std::string> header = split_fields(line);
  const std::size_t arch_col = column_index(header, "ArchitectureString", file, "the NB201 arch strings");
  const std::size_t acc_col =
      column_index(header, column_name(metric, split), file, metric + " " + split + " accuracy");

  // Op choices -> accuracy, so the alignment holds whatever the file's row order.
  std::map<std::vector<int>, double> by_ops;
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> fields = split_fields(line);
    if (fields.size() != header.size())
      throw DataError(file, line_no,
                      std::to_string(fields.size()) + " fields, expected " + std::to_string(header.size()));
    std::vector<int> ops;
    try {
      ops = nb201_parse_arch_string(fields[arch_col]);
    } catch (const std::invalid_argument& e) {
      throw DataError(file, line_no, e.what());
    }
    double value = 0.0;
    std::istringstream number(fields[acc_col]);
    if (!(number >> value) || !number.eof())
      throw DataError(file, line_no, "accuracy '" + fields[acc_col] + "' is not a number");
    if (!by_ops.emplace(std::move(ops), value).second)
      throw DataError(file, line_no, "architecture " + fields[arch_col] + " appears twice");
  }
  table.accuracy.resize(static_cast<std::size_t>(dataset.num_archs()));
  for (int64_t arch = 0; arch < dataset.num_archs(); ++arch) {
    const auto it = by_ops.find(dataset.arch_ops(arch));
    if (it == by_ops.end())
      throw DataError(file, 0,
                      "has no row for architecture " + std::to_string(arch) + " (" +
                          dataset.space().arch_string(dataset.arch_ops(arch)) + ") of the latency data");
    table.accuracy[static_cast<std::size_t>(arch)] = it->second;
  }
  return table;
}

}  // namespace latpred
