// Accuracy tables: the benchmark accuracy of every architecture of a search space, keyed by latpred's architecture
// index (the dataset's row order), for accuracy-aware work such as latency-constrained NAS (nas.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "latpred/dataset.hpp"
#include "latpred/export.hpp"

namespace latpred {

struct AccuracyTable {
  std::string metric;  // "cifar10" | "cifar100" | "ImageNet16-120"
  std::string split;   // "test" | "valid"
  std::filesystem::path file;
  std::vector<double> accuracy;  // percent; position = architecture index of the dataset it was aligned to
};

// The metrics NB201 accuracy tables hold, and the splits a table may provide.
LATPRED_API std::vector<std::string> nb201_accuracy_metrics();
LATPRED_API std::vector<std::string> accuracy_splits();

// Reads NATS-Bench-tss accuracies (data_dir/natsbench_tss_accuracy/nats_bench.csv: one column per dataset and split,
// e.g. CIFAR10TestAccuracy200Epochs, plus ArchitectureString) and aligns them to `dataset` by the architectures' op
// choices, so the result does not depend on the two files sharing a row order. Throws DataError for a missing file,
// a missing column (listing the columns the file has), a malformed row or an architecture of `dataset` that the
// file lacks; Error for a non-NB201 dataset or an unknown metric/split.
LATPRED_API AccuracyTable load_nb201_accuracy(const std::filesystem::path& data_dir, const Dataset& dataset,
                                              const std::string& metric, const std::string& split = "test");

}  // namespace latpred
