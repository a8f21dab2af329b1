// Statistics a report shows: a metric averaged over test devices per seed, then mean and population std over seeds
// (the spread a user can expect from re-running with another seed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "report/run_files.hpp"

namespace latpred::cli {

struct SeedStat {
  double mean = 0.0;
  double std = 0.0;  // population std over seeds, as summary.csv
  std::size_t seeds = 0;
  std::size_t devices = 0;  // distinct test devices averaged
};

struct Aggregate {
  std::vector<std::string> key;
  SeedStat stat;
};

using RecordKey = std::function<std::vector<std::string>(const ResultRecord&)>;

// The rows of `metric` grouped by `key` (first-seen order): per seed, the mean over the group's rows (its test
// devices, and the values of any swept axis the key leaves out); then mean and std of those over seeds.
std::vector<Aggregate> aggregate(const std::vector<ResultRecord>& rows, const std::string& metric,
                                 const RecordKey& key);

// Orders aggregates by the first appearance of each key element, position by position (the task first, so its
// rows stay together); when `k_last`, the last element is k and compares as a number.
void sort_by_key(std::vector<Aggregate>& aggregates, bool k_last);

// Indices of the swept keys whose value varies within some task. An axis that only follows the task (task.name)
// or never varies adds nothing to a table or a plot.
std::vector<std::size_t> varying_axes(const StudyResults& results);

// Distinct values in first-seen order.
std::vector<std::string> distinct(const std::vector<ResultRecord>& rows,
                                  const std::function<std::string(const ResultRecord&)>& field);

bool has_metric(const std::vector<ResultRecord>& rows, const std::string& metric);

// Per task, the largest k of its rows of `metric`.
std::map<std::string, int64_t> largest_k(const std::vector<ResultRecord>& rows, const std::string& metric);

// "a=1, b=x": the values of the swept axes `axes` in a row.
std::string axes_label(const StudyResults& results, const std::vector<std::size_t>& axes, const ResultRecord& r);

// "0.812 ± 0.013" with `digits` decimals.
std::string mean_std(const SeedStat& stat, int digits);

}  // namespace latpred::cli
