// Latency-constrained NAS: search strategies, Pareto fronts, the NB201 accuracy table and the study's [nas] table.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "data_test_support.hpp"
#include "latpred/accuracy.hpp"
#include "latpred/nas.hpp"
#include "latpred/study.hpp"
#include "study_test_support.hpp"

using latpred::nas_search;
using latpred::NasOptions;
using latpred::NasProblem;

namespace {

// Every op combination of `choices` positions x `values` ids, with random latency and accuracy.
NasProblem synthetic_space(int choices, int values, uint64_t seed) {
  NasProblem p;
  p.num_op_values = values;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> ms(1.0, 10.0), acc(50.0, 95.0);
  int total = 1;
  for (int i = 0; i < choices; ++i) total *= values;
  for (int code = 0; code < total; ++code) {
    std::vector<int> ops;
    for (int i = 0, rest = code; i < choices; ++i, rest /= values) ops.push_back(rest % values);
    p.ops.push_back(ops);
    p.latency_ms.push_back(ms(rng));
    p.accuracy.push_back(acc(rng));
  }
  return p;
}

// Independent brute force: the most accurate candidate with latency <= constraint (-1 if none).
int64_t brute_force_best(const NasProblem& p) {
  int64_t best = -1;
  for (int64_t c = 0; c < static_cast<int64_t>(p.ops.size()); ++c)
    if (p.latency_ms[c] <= p.constraint_ms && (best < 0 || p.accuracy[c] > p.accuracy[best])) best = c;
  return best;
}

NasOptions options_for(const std::string& strategy, uint64_t seed) {
  NasOptions o;
  o.strategy = strategy;
  o.seed = seed;
  o.cycles = 200;
  o.population = 20;
  o.sample_size = 5;
  o.random_samples = 100;
  return o;
}

}  // namespace

TEST_CASE("every strategy returns an arch that meets the constraint by the latency it was given", "[nas]") {
  NasProblem p = synthetic_space(5, 4, 7);  // 1024 candidates
  for (const std::string& strategy : latpred::nas_strategies()) {
    for (double c : {1.5, 3.0, 5.0, 9.0}) {
      p.constraint_ms = c;
      const auto r = nas_search(p, options_for(strategy, 3));
      INFO(strategy << " constraint " << c);
      REQUIRE(r.chosen >= 0);
      CHECK(p.latency_ms[r.chosen] <= c);
      CHECK(r.evaluated > 0);
      CHECK(r.evaluated <= static_cast<int64_t>(p.ops.size()));
      // The trace ends at the choice, and its accuracy never decreases.
      REQUIRE_FALSE(r.trace.empty());
      CHECK(r.trace.back().candidate == r.chosen);
      for (std::size_t i = 1; i < r.trace.size(); ++i)
        CHECK(p.accuracy[r.trace[i].candidate] >= p.accuracy[r.trace[i - 1].candidate]);
    }
  }
  p.constraint_ms = 5.0;
  CHECK(nas_search(p, options_for("exhaustive", 0)).evaluated == 1024);
  CHECK(nas_search(p, options_for("random", 0)).evaluated == 100);
  CHECK(nas_search(p, options_for("exhaustive", 0)).chosen == brute_force_best(p));
}

TEST_CASE("regularised evolution with a generous budget finds the best arch of a small space", "[nas]") {
  NasProblem p = synthetic_space(4, 4, 11);  // 256 candidates
  for (double c : {2.0, 4.0, 7.0}) {
    p.constraint_ms = c;
    const int64_t best = brute_force_best(p);
    REQUIRE(best >= 0);
    for (uint64_t seed : {1, 2, 3}) {
      NasOptions o = options_for("evolution", seed);
      o.cycles = 3000;
      INFO("constraint " << c << " seed " << seed);
      CHECK(nas_search(p, o).chosen == best);
    }
  }
  // A budget far below the space size does not look everywhere: it evaluates at most `cycles` candidates.
  p.constraint_ms = 4.0;
  NasOptions small = options_for("evolution", 1);
  small.cycles = 30;
  CHECK(nas_search(p, small).evaluated <= 30);
}

TEST_CASE("searches are deterministic under a seed and vary with it", "[nas]") {
  NasProblem p = synthetic_space(5, 4, 5);
  p.constraint_ms = 4.0;
  for (const std::string strategy : {"evolution", "random"}) {
    const auto a = nas_search(p, options_for(strategy, 9));
    const auto b = nas_search(p, options_for(strategy, 9));
    CHECK(a.chosen == b.chosen);
    CHECK(a.evaluated == b.evaluated);
    REQUIRE(a.trace.size() == b.trace.size());
    for (std::size_t i = 0; i < a.trace.size(); ++i) CHECK(a.trace[i].evaluated == b.trace[i].evaluated);
    bool differs = false;
    for (uint64_t seed = 10; seed < 15 && !differs; ++seed) {
      const auto c = nas_search(p, options_for(strategy, seed));
      differs = c.trace.size() != a.trace.size() || c.trace.front().candidate != a.trace.front().candidate;
    }
    CHECK(differs);
  }
}

TEST_CASE("an infeasible constraint gives no arch, not a crash; bad problems are errors", "[nas]") {
  NasProblem p = synthetic_space(3, 3, 2);
  p.constraint_ms = 0.5;  // below every latency (>= 1 ms)
  for (const std::string& strategy : latpred::nas_strategies()) {
    const auto r = nas_search(p, options_for(strategy, 1));
    CHECK(r.chosen == -1);
    CHECK(r.trace.empty());
    CHECK(r.evaluated > 0);
  }
  CHECK(nas_search(NasProblem{}, options_for("evolution", 1)).chosen == -1);
  CHECK_THROWS_WITH(nas_search(p, options_for("evolve", 1)),
                    Catch::Contains("unknown NAS strategy 'evolve'") && Catch::Contains("evolution"));
  p.accuracy.pop_back();
  CHECK_THROWS_WITH(nas_search(p, options_for("exhaustive", 1)), Catch::Contains("accuracies"));
}

TEST_CASE("pareto_front keeps the non-dominated points in ascending latency", "[nas]") {
  const std::vector<double> ms = {5, 1, 3, 2, 4, 3};
  const std::vector<double> acc = {90, 60, 80, 55, 70, 85};
  // (1,60) (3,85) (5,90) are optimal; (3,80) loses to (3,85), (2,55) to (1,60), (4,70) to (3,85).
  CHECK(latpred::pareto_front(ms, acc) == std::vector<int64_t>{1, 5, 0});
}

TEST_CASE("accuracy table errors name the file and what is missing", "[nas]") {
  const study_test::ScratchDir scratch("nas_accuracy");
  const latpred::Dataset one_arch(latpred::make_nb201_space(), {{3, 3, 3, 1, 3, 3}});
  CHECK_THROWS_WITH(latpred::load_nb201_accuracy(scratch.path, one_arch, "cifar10"),
                    Catch::Contains("nats_bench.csv") && Catch::Contains("cannot open"));
  std::filesystem::create_directories(scratch.path / "natsbench_tss_accuracy");
  const std::string header = "CIFAR10TestAccuracy200Epochs,ArchitectureString\n";
  study_test::write_text(scratch.path / "natsbench_tss_accuracy" / "nats_bench.csv",
                         header +
                             "94.37,|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|"
                             "nor_conv_3x3~1|nor_conv_3x3~2|\n");
  CHECK(latpred::load_nb201_accuracy(scratch.path, one_arch, "cifar10").accuracy == std::vector<double>{94.37});
  CHECK_THROWS_WITH(latpred::load_nb201_accuracy(scratch.path, one_arch, "cifar100"),
                    Catch::Contains("no column 'CIFAR100TestAccuracy200Epochs'") &&
                        Catch::Contains("Columns: CIFAR10TestAccuracy200Epochs, ArchitectureString"));
  CHECK_THROWS_WITH(latpred::load_nb201_accuracy(scratch.path, one_arch, "cifar10", "valid"),
                    Catch::Contains("CIFAR10ValidAccuracy200Epochs"));
  CHECK_THROWS_WITH(latpred::load_nb201_accuracy(scratch.path, one_arch, "svhn"),
                    Catch::Contains("unknown accuracy metric 'svhn'"));
  const latpred::Dataset other(latpred::make_nb201_space(), {{0, 0, 0, 0, 0, 0}});
  CHECK_THROWS_WITH(latpred::load_nb201_accuracy(scratch.path, other, "cifar10"),
                    Catch::Contains("no row for architecture 0"));
}

TEST_CASE("NB201 accuracies map to latpred's arch index (shared data)", "[nas]") {
  const auto dir = latpred_test::shared_data_dir();
  if (!dir || !std::filesystem::exists(*dir / "natsbench_tss_accuracy")) {
    WARN("SKIPPED: ../shared/data/natsbench_tss_accuracy not found");
    return;
  }
  const auto data = latpred_test::shared_dataset("nb201");
  const auto c10 = latpred::load_nb201_accuracy(*dir, *data, "cifar10");
  const auto c100 = latpred::load_nb201_accuracy(*dir, *data, "cifar100");
  REQUIRE(c10.accuracy.size() == 15625);
  // Rows 0 and 1 of nats_bench.csv (NATS-Bench index order) against HELP's arch_str of the same index.
  CHECK(data->space().arch_string(data->arch_ops(0)) ==
        "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|");
  CHECK(c10.accuracy[0] == Approx(85.8633).epsilon(1e-5));
  CHECK(c100.accuracy[1] == Approx(70.2933).epsilon(1e-5));
  // A few more rows, read independently from the raw file: row i must be latpred's arch i.
  const auto rows = latpred_test::read_csv_rows(*dir / "natsbench_tss_accuracy" / "nats_bench.csv");
  for (int64_t arch : {2, 777, 9000, 15624}) {
    const auto& row = rows.at(static_cast<std::size_t>(arch) + 1);
    CHECK(latpred::nb201_parse_arch_string(row.at(3)) == data->arch_ops(arch));
    CHECK(c10.accuracy[arch] == Approx(std::stod(row.at(0))));
  }
  CHECK(*std::max_element(c10.accuracy.begin(), c10.accuracy.end()) == Approx(94.3733).epsilon(1e-4));
  // An all-`none` cell is disconnected: chance level on CIFAR-10.
  for (int64_t a = 0; a < data->num_archs(); ++a)
    if (data->arch_ops(a) == std::vector<int>(6, 0)) CHECK(c10.accuracy[a] == Approx(10.0));
}

TEST_CASE("with an oracle predictor exhaustive search finds the true best NB201 arch under the constraint", "[nas]") {
  const auto dir = latpred_test::shared_data_dir();
  if (!dir || !std::filesystem::exists(*dir / "natsbench_tss_accuracy")) {
    WARN("SKIPPED: ../shared/data not found");
    return;
  }
  const auto data = latpred_test::shared_dataset("nb201");
  const auto acc = latpred::load_nb201_accuracy(*dir, *data, "cifar100");
  const int device = data->device_index("pixel2");
  NasProblem p;
  p.num_op_values = data->space().num_op_values();
  for (int64_t a : data->measured_archs(device)) {
    p.ops.push_back(data->arch_ops(a));
    p.latency_ms.push_back(data->latency_ms(device)[a]);
    p.accuracy.push_back(acc.accuracy[a]);
  }
  for (double c : {12.0, 20.0, 40.0}) {
    p.constraint_ms = c;
    const auto r = nas_search(p, options_for("exhaustive", 0));
    INFO("constraint " << c);
    REQUIRE(r.chosen >= 0);
    CHECK(p.latency_ms[r.chosen] <= c);
    CHECK(p.accuracy[r.chosen] == p.accuracy[brute_force_best(p)]);
  }
  // Loose enough for NB201's overall best CIFAR-100 cell (73.51%).
  p.constraint_ms = 1e9;
  CHECK(p.accuracy[nas_search(p, options_for("exhaustive", 0)).chosen] == Approx(73.5133).epsilon(1e-4));
}

TEST_CASE("a study's [nas] table is validated against nas_schema", "[nas]") {
  using namespace study_test;
  const ScratchDir scratch("nas_study");
  const auto registry = test_registry();
  const auto options = options_in(scratch.path);
  const std::string base = std::string("[study]\nname = \"s\"\n") + kBaseTables;
  const auto ok = latpred::load_study(
      write_text(scratch.path / "ok.toml", base + "[nas]\nconstraints = [2.5, 5]\nstrategy = \"evolution\"\n"),
      registry, options);
  CHECK(ok.nas.get_floats("constraints") == std::vector<double>{2.5, 5});
  CHECK(ok.nas.get_string("strategy") == "evolution");
  CHECK(ok.nas.get_string("metric") == "cifar10");  // default filled in
  const auto no_table = latpred::load_study(write_text(scratch.path / "none.toml", base), registry, options);
  CHECK(no_table.nas.get_string("strategy") == "exhaustive");
  CHECK_THROWS_WITH(latpred::load_study(write_text(scratch.path / "bad.toml", base + "[nas]\nstrategy = \"evolve\"\n"),
                                        registry, options),
                    Catch::Contains("nas.strategy") && Catch::Contains("evolution"));
  CHECK_THROWS_WITH(latpred::load_study(write_text(scratch.path / "key.toml", base + "[nas]\nconstraint = [1.0]\n"),
                                        registry, options),
                    Catch::Contains("nas.constraint") && Catch::Contains("constraints"));
  CHECK_THROWS_WITH(
      latpred::load_study(write_text(scratch.path / "sweep.toml",
                                     base + "[[sweep.axes]]\nkey = \"nas.strategy\"\nvalues = [\"random\"]\n"),
                          registry, options),
      Catch::Contains("cannot sweep 'nas.strategy'"));
}
