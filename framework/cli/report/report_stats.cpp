// Statistics a report shows (report_stats.hpp).
#include "report/report_stats.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "latpred/error.hpp"  // join

namespace latpred::cli {

std::vector<Aggregate> aggregate(const std::vector<ResultRecord>& rows, const std::string& metric,
                                 const RecordKey& key) {
  struct Group {
    std::vector<std::string> key;
    std::map<uint64_t, std::pair<double, std::size_t>> by_seed;  // seed -> (sum, count)
    std::set<std::string> devices;
  };
  std::vector<Group> groups;
  std::map<std::vector<std::string>, std::size_t> index;
  for (const auto& r : rows) {
    if (r.metric != metric || !std::isfinite(r.value)) continue;
    auto k = key(r);
    auto [it, inserted] = index.emplace(k, groups.size());
    if (inserted) groups.push_back({std::move(k), {}, {}});
    Group& g = groups[it->second];
    auto& [sum, count] = g.by_seed[r.seed];
    sum += r.value;
    ++count;
    g.devices.insert(r.device);
  }
  std::vector<Aggregate> out;
  for (const auto& g : groups) {
    std::vector<double> means;
    for (const auto& [seed, sc] : g.by_seed) means.push_back(sc.first / static_cast<double>(sc.second));
    double sum = 0.0;
    for (double m : means) sum += m;
    const double mean = sum / static_cast<double>(means.size());
    double squares = 0.0;
    for (double m : means) squares += (m - mean) * (m - mean);
    out.push_back(
        {g.key, {mean, std::sqrt(squares / static_cast<double>(means.size())), means.size(), g.devices.size()}});
  }
  return out;
}

void sort_by_key(std::vector<Aggregate>& aggregates, bool k_last) {
  std::vector<std::map<std::string, std::size_t>> first_seen;  // per key position: value -> first appearance
  for (const auto& a : aggregates) {
    first_seen.resize(std::max(first_seen.size(), a.key.size()));
    for (std::size_t i = 0; i < a.key.size(); ++i) first_seen[i].emplace(a.key[i], first_seen[i].size());
  }
  const auto rank = [&first_seen, k_last](const Aggregate& a) {
    std::vector<int64_t> r;
    for (std::size_t i = 0; i < a.key.size(); ++i)
      r.push_back(k_last && i + 1 == a.key.size() ? std::stoll(a.key[i])
                                                  : static_cast<int64_t>(first_seen[i].at(a.key[i])));
    return r;
  };
  std::stable_sort(aggregates.begin(), aggregates.end(),
                   [&rank](const Aggregate& a, const Aggregate& b) { return rank(a) < rank(b); });
}

std::vector<std::size_t> varying_axes(const StudyResults& results) {
  std::vector<std::size_t> out;
  for (std::size_t axis = 0; axis < results.swept_keys.size(); ++axis) {
    std::map<std::string, std::string> value_of_task;
    bool varies = false;
    for (const auto& r : results.rows) {
      const auto [it, inserted] = value_of_task.emplace(r.task, r.swept[axis]);
      if (!inserted && it->second != r.swept[axis]) varies = true;
    }
    if (varies) out.push_back(axis);
  }
  return out;
}

std::vector<std::string> distinct(const std::vector<ResultRecord>& rows,
                                  const std::function<std::string(const ResultRecord&)>& field) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& r : rows)
    if (seen.insert(field(r)).second) out.push_back(field(r));
  return out;
}

bool has_metric(const std::vector<ResultRecord>& rows, const std::string& metric) {
  return std::any_of(rows.begin(), rows.end(), [&metric](const ResultRecord& r) { return r.metric == metric; });
}

std::map<std::string, int64_t> largest_k(const std::vector<ResultRecord>& rows, const std::string& metric) {
  std::map<std::string, int64_t> out;
  for (const auto& r : rows)
    if (r.metric == metric) {
      const auto [it, inserted] = out.emplace(r.task, r.k);
      if (!inserted) it->second = std::max(it->second, r.k);
    }
  return out;
}

std::string axes_label(const StudyResults& results, const std::vector<std::size_t>& axes, const ResultRecord& r) {
  std::vector<std::string> parts;
  for (std::size_t a : axes) parts.push_back(results.swept_keys[a] + "=" + r.swept[a]);
  return join(parts);
}

std::string mean_std(const SeedStat& stat, int digits) {
  return fmt::format("{:.{}f} ± {:.{}f}", stat.mean, digits, stat.std, digits);
}

}  // namespace latpred::cli
