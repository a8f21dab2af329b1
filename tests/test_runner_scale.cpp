// The scale-out modes of the runner: shards and their merge, --jobs workers' claims, progress reports.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>

#include <nlohmann/json.hpp>

#include "fake_executor.hpp"
#include "latpred/error.hpp"
#include "latpred/runner.hpp"
#include "runner_internal.hpp"
#include "study_test_support.hpp"

using namespace study_test;

namespace {

latpred::Study load_sweep(const fs::path& dir, const std::string& text = sweep_study_text("scale")) {
  write_text(dir / "base.toml", kBaseTables);
  return latpred::load_study(write_text(dir / "study.toml", text), test_registry(), options_in(dir));
}

std::size_t count_runs(const fs::path& dir) {
  std::size_t n = 0;
  if (fs::is_directory(dir / "runs"))
    for (const auto& entry : fs::directory_iterator(dir / "runs")) n += entry.path().extension() == ".csv" ? 1 : 0;
  return n;
}

// Sets an environment variable for the scope of a test.
struct EnvVar {
  EnvVar(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~EnvVar() { ::unsetenv(name_); }
  const char* name_;
};

}  // namespace

TEST_CASE("shards split a study's runs stridedly and merge into the serial result", "[runner][shard]") {
  const ScratchDir scratch("shards");
  const auto study = load_sweep(scratch.path);
  REQUIRE(study.runs.size() == 6);
  const fs::path run_dir = study.run_dir();

  FakeExecutor first, second;
  latpred::RunnerOptions options;
  options.shard = latpred::parse_shard("0/2");
  const auto outcome0 = latpred::run_study(study, first.executor(), options);
  CHECK(outcome0.dir == run_dir / "shards" / "0-of-2");
  CHECK(outcome0.total == 3);
  CHECK(first.seeds == std::vector<uint64_t>{1, 3, 2});  // runs 0, 2, 4 of the plan
  CHECK(count_runs(run_dir / "shards" / "0-of-2") == 3);
  CHECK_FALSE(fs::exists(run_dir / "runs"));  // a shard never writes the study's own directory

  // Merging with a shard missing: what is there is merged, the rest is left for `latpred run`.
  auto partial = latpred::merge_shards(study);
  CHECK(partial.copied == 3);
  CHECK(partial.finished == 3);
  CHECK(nlohmann::json::parse(read_text(run_dir / "manifest.json"))["status"] == "incomplete");

  options.shard = latpred::parse_shard("1/2");
  latpred::run_study(study, second.executor(), options);
  CHECK(second.seeds == std::vector<uint64_t>{2, 1, 3});  // runs 1, 3, 5
  const auto merged = latpred::merge_shards(study);
  CHECK(merged.shards.size() == 2);
  CHECK(merged.copied == 3);  // the first shard's runs are there already, never duplicated
  CHECK(merged.finished == 6);
  CHECK(latpred::merge_shards(study).copied == 0);  // idempotent
  CHECK(nlohmann::json::parse(read_text(run_dir / "manifest.json"))["status"] == "complete");
  CHECK(fs::exists(run_dir / "predictions" / (study.runs[5].key + ".csv")));

  // The merged results equal a serial run of the same study.
  const ScratchDir serial_scratch("shards_serial");
  const auto serial_study = load_sweep(serial_scratch.path);
  FakeExecutor serial;
  latpred::run_study(serial_study, serial.executor());
  CHECK(read_text(run_dir / "results.csv") == read_text(serial_study.run_dir() / "results.csv"));
  CHECK(read_text(run_dir / "summary.csv") == read_text(serial_study.run_dir() / "summary.csv"));

  // Nothing left for a plain run after the merge.
  FakeExecutor after;
  CHECK(latpred::run_study(study, after.executor()).skipped == 6);
  CHECK(after.seeds.empty());
}

TEST_CASE("merging refuses shards of another configuration and an empty shard list", "[runner][shard]") {
  const ScratchDir scratch("shards_other");
  const auto study = load_sweep(scratch.path);
  CHECK_THROWS_WITH(latpred::merge_shards(study),
                    Catch::Contains("no shard directories") && Catch::Contains("--shard i/N"));

  const ScratchDir other_scratch("shards_other_b");
  std::string changed = sweep_study_text("scale");
  changed.replace(changed.find("k = [5, 10]"), 11, "k = [5, 20]");
  const auto other = load_sweep(other_scratch.path, changed);
  FakeExecutor fake;
  latpred::RunnerOptions options;
  options.shard = {0, 2};
  latpred::run_study(other, fake.executor(), options);
  const fs::path foreign = latpred::shard_dir(other.run_dir(), options.shard);
  CHECK_THROWS_WITH(latpred::merge_shards(study, {foreign}),
                    Catch::Contains(foreign.string()) && Catch::Contains("another configuration"));
  CHECK_THROWS_WITH(latpred::merge_shards(study, {scratch.path}), Catch::Contains("has no resolved.toml"));
}

TEST_CASE("shard specifications: i/N and SLURM job arrays", "[runner][shard]") {
  const auto shard = latpred::parse_shard("2/5");
  CHECK(shard.index == 2);
  CHECK(shard.count == 5);
  CHECK(shard.contains(7));
  CHECK_FALSE(shard.contains(8));
  for (const char* bad : {"5/5", "1", "a/2", "-1/2", "1/0", "", "1/2/3"})
    CHECK_THROWS_WITH(latpred::parse_shard(bad), Catch::Contains("expected a shard 'i/N'"));

  ::unsetenv("SLURM_ARRAY_TASK_ID");
  CHECK_FALSE(latpred::slurm_array_shard().has_value());
  const EnvVar id("SLURM_ARRAY_TASK_ID", "4");
  const EnvVar count("SLURM_ARRAY_TASK_COUNT", "4");
  {
    const EnvVar min("SLURM_ARRAY_TASK_MIN", "1");  // --array=1-4
    const auto slurm = latpred::slurm_array_shard();
    REQUIRE(slurm.has_value());
    CHECK(slurm->index == 3);
    CHECK(slurm->count == 4);
  }
  CHECK_THROWS_WITH(latpred::slurm_array_shard(), Catch::Contains("SLURM_ARRAY_TASK_ID"));  // 4 of 0..3
}

TEST_CASE("run --jobs workers take only unclaimed runs; begin_study clears stale claims", "[runner][jobs]") {
  const ScratchDir scratch("workers");
  const auto study = load_sweep(scratch.path);
  const auto begun = latpred::begin_study(study);
  CHECK(begun.total == 6);
  CHECK(begun.skipped == 0);
  // Another worker holds runs 0 and 3 (each its own pretraining group: the sweep is over train.epochs).
  REQUIRE(latpred::detail::try_claim(begun.dir, "pretrain-" + study.runs[0].pretrain_key));
  REQUIRE(latpred::detail::try_claim(begun.dir, "pretrain-" + study.runs[3].pretrain_key));
  CHECK_FALSE(latpred::detail::try_claim(begun.dir, "pretrain-" + study.runs[3].pretrain_key));

  FakeExecutor worker;
  const auto outcome = latpred::run_study_worker(study, worker.executor());
  CHECK(outcome.executed == 4);
  CHECK(count_runs(begun.dir) == 4);
  CHECK_FALSE(latpred::run_finished(begun.dir, study.runs[0].key));
  CHECK_FALSE(fs::exists(begun.dir / "results.csv"));  // the parent writes the results, not a worker

  // A worker that died left its claims: the next invocation clears them and runs the two missing runs.
  FakeExecutor rerun;
  const auto resumed = latpred::run_study(study, rerun.executor());
  CHECK(resumed.skipped == 4);
  CHECK(resumed.executed == 2);
  CHECK(rerun.seeds == std::vector<uint64_t>{1, 1});  // runs 0 and 3: seed 1 at epochs 1 and 2
}

TEST_CASE("a --jobs worker takes whole pretraining groups: runs that differ only in how they transfer",
          "[runner][jobs]") {
  const ScratchDir scratch("groups");
  // train.epochs (outer) x transfer.lr x seeds 1, 2, 3: the two lr values of an (epochs, seed) share a pretraining.
  const auto study = load_sweep(scratch.path, sweep_study_text("groups") + R"(
[[sweep.axes]]
key = "transfer.lr"
values = [1e-3, 3e-3]
)");
  REQUIRE(study.runs.size() == 12);
  std::set<std::string> groups;
  for (const auto& run : study.runs) groups.insert(run.pretrain_key);
  CHECK(groups.size() == 6);
  CHECK(study.runs[0].pretrain_key == study.runs[3].pretrain_key);  // epochs 1 seed 1 at either lr
  CHECK(study.runs[0].pretrain_key != study.runs[1].pretrain_key);  // another seed
  CHECK(study.runs[0].key != study.runs[3].key);

  const auto begun = latpred::begin_study(study);
  // Another worker owns the group of run 0 (epochs 1, seed 1): neither of its runs is taken here.
  REQUIRE(latpred::detail::try_claim(begun.dir, "pretrain-" + study.runs[0].pretrain_key));
  FakeExecutor worker;
  const auto outcome = latpred::run_study_worker(study, worker.executor());
  CHECK(outcome.executed == 10);
  CHECK_FALSE(latpred::run_finished(begun.dir, study.runs[0].key));
  CHECK_FALSE(latpred::run_finished(begun.dir, study.runs[3].key));
  // The two runs of a group run back to back (seeds 2, 2, 3, 3 at epochs 1; then epochs 2).
  CHECK(worker.seeds == std::vector<uint64_t>{2, 2, 3, 3, 1, 1, 2, 2, 3, 3});
}

TEST_CASE("the runner reports progress: finished runs, stages and an ETA", "[runner]") {
  const ScratchDir scratch("progress");
  const auto study = load_sweep(scratch.path);
  std::vector<latpred::StudyProgress> reports;
  latpred::RunnerOptions options;
  options.progress = [&](const latpred::StudyProgress& p) { reports.push_back(p); };
  FakeExecutor fake;
  latpred::run_study(study, fake.executor(), options);
  REQUIRE_FALSE(reports.empty());
  std::size_t last_finished = 0;
  bool saw_stage = false, saw_eta = false;
  for (const auto& report : reports) {
    CHECK(report.total == 6);
    CHECK(report.finished >= last_finished);
    last_finished = report.finished;
    saw_stage = saw_stage || (report.stage == "pretrain" && report.stage_total == 1);
    saw_eta = saw_eta || report.eta_seconds >= 0;
  }
  CHECK(saw_stage);
  CHECK(saw_eta);
  CHECK(reports.back().finished == 6);
  CHECK(reports.front().run.find(study.runs[0].key) == 0);
}
