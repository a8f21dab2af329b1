// Prints how well latpred's zero-cost proxies (a `latpred zcp` table) agree with a reference table per proxy:
// Spearman and Kendall over the architectures both tables score (issue 5 validates against NASLib's 725-arch NB201
// subset, measured on real CIFAR-10 batches, where latpred uses a synthetic batch). When the reference has a
// "val_accuracy" column, also how well each table's proxy ranks the architectures by accuracy (Spearman).
// Usage: bench_zcp_agreement OURS.csv REFERENCE.csv [DATASET]
//   OURS.csv: "<space>_index,ops,<proxy>..." as `latpred zcp` writes it.
//   REFERENCE.csv: any table with a "<space>_index" column and proxy columns of the same names, e.g. the shared
//   naslib_zc_nb201_subset.csv; when it has a "dataset" column only the rows of DATASET (default cifar10) count.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "latpred/csv.hpp"
#include "latpred/metrics.hpp"

namespace {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

Table read_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  Table table;
  std::string line;
  if (!std::getline(in, line)) throw std::runtime_error(path + ": empty file, expected a header line");
  table.header = latpred::split_fields(line);
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    if (line.empty()) continue;
    auto fields = latpred::split_fields(line);
    if (fields.size() != table.header.size()) {
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": " + std::to_string(fields.size()) +
                               " fields, the header has " + std::to_string(table.header.size()));
    }
    table.rows.push_back(std::move(fields));
  }
  return table;
}

int column(const Table& table, const std::string& name) {
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    if (table.header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// The index column: the one named "<space>_index".
int index_column(const Table& table, const std::string& path) {
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    const std::string& name = table.header[i];
    if (name.size() > 6 && name.compare(name.size() - 6, 6, "_index") == 0) return static_cast<int>(i);
  }
  throw std::runtime_error(path + ": no '<space>_index' column in the header");
}

double number(const std::string& cell) {
  if (cell.empty()) return std::nan("");
  try {
    return std::stod(cell);
  } catch (const std::exception&) {
    return std::nan("");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OURS.csv REFERENCE.csv [DATASET=cifar10]\n", argv[0]);
    return 2;
  }
  try {
    const std::string ours_path = argv[1];
    const std::string ref_path = argv[2];
    const std::string dataset = argc > 3 ? argv[3] : "cifar10";
    const Table ours = read_table(ours_path);
    const Table ref = read_table(ref_path);
    const int ours_index = index_column(ours, ours_path);
    const int ref_index = index_column(ref, ref_path);
    const int ref_dataset = column(ref, "dataset");
    const int ref_accuracy = column(ref, "val_accuracy");

    std::map<long long, const std::vector<std::string>*> ref_rows;
    for (const auto& row : ref.rows) {
      if (ref_dataset >= 0 && row[static_cast<std::size_t>(ref_dataset)] != dataset) continue;
      ref_rows[std::stoll(row[static_cast<std::size_t>(ref_index)])] = &row;
    }
    if (ref_rows.empty()) throw std::runtime_error(ref_path + ": no rows of dataset '" + dataset + "'");

    std::printf("zcp_agreement: %s vs %s (%s), %zu reference archs\n\n", ours_path.c_str(), ref_path.c_str(),
                dataset.c_str(), ref_rows.size());
    if (ref_accuracy < 0) {
      std::printf("| proxy | archs in both | Spearman | Kendall tau-b |\n|---|---|---|---|\n");
    } else {
      std::printf(
          "| proxy | archs in both | Spearman | Kendall tau-b | ours vs accuracy | reference vs accuracy |\n"
          "|---|---|---|---|---|---|\n");
    }
    int compared = 0;
    for (std::size_t c = 0; c < ours.header.size(); ++c) {
      const std::string& proxy = ours.header[c];
      const int rc = column(ref, proxy);
      if (static_cast<int>(c) == ours_index || proxy == "ops" || rc < 0) continue;
      std::vector<double> a, b;
      std::vector<double> a_scored, b_scored, accuracy;  // the pairs whose arch has an accuracy
      for (const auto& row : ours.rows) {
        const auto it = ref_rows.find(std::stoll(row[static_cast<std::size_t>(ours_index)]));
        if (it == ref_rows.end()) continue;
        const double x = number(row[c]);
        const double y = number((*it->second)[static_cast<std::size_t>(rc)]);
        if (std::isnan(x) || std::isnan(y)) continue;  // undefined for that arch in either table
        a.push_back(x);
        b.push_back(y);
        const double acc = ref_accuracy >= 0 ? number((*it->second)[static_cast<std::size_t>(ref_accuracy)]) : NAN;
        if (std::isnan(acc)) continue;
        a_scored.push_back(x);
        b_scored.push_back(y);
        accuracy.push_back(acc);
      }
      ++compared;
      if (a.size() < 2) {
        std::printf("| %s | %zu | - | - |", proxy.c_str(), a.size());
      } else {
        std::printf("| %s | %zu | %.3f | %.3f |", proxy.c_str(), a.size(), latpred::spearman(a, b),
                    latpred::kendall_tau_b(a, b));
      }
      if (ref_accuracy >= 0 && accuracy.size() < 2) std::printf(" - | - |");
      if (ref_accuracy >= 0 && accuracy.size() >= 2) {
        std::printf(" %.3f | %.3f |", latpred::spearman(a_scored, accuracy), latpred::spearman(b_scored, accuracy));
      }
      std::printf("\n");
    }
    if (compared == 0) throw std::runtime_error("no proxy column is in both " + ours_path + " and " + ref_path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_zcp_agreement: %s\n", e.what());
    return 1;
  }
  return 0;
}
