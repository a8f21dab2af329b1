// latpred run under mpirun: the unfinished runs are dealt out round-robin over the ranks; rank 0 also runs its
// share and, between its runs, stores the run files the other ranks send (no shared file system needed).
#include <algorithm>
#include <cstdlib>
#include <deque>
#include <optional>
#include <string>

#include <spdlog/spdlog.h>

#include "latpred/error.hpp"
#include "run_parallel.hpp"

#ifdef LATPRED_WITH_MPI
#include <mpi.h>
#endif

namespace latpred::cli {

int mpi_launch_size() {
  // Open MPI, MPICH/Hydra and PMIx launchers; read before MPI_Init so a plain run never initialises MPI.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    const char* value = std::getenv(name);
    if (value && *value) return std::max(1, std::atoi(value));
  }
  return 1;
}

#ifndef LATPRED_WITH_MPI

void run_with_mpi(const Study&, const ExperimentExecutor&, const RunnerOptions&) {
  throw Error(
      "latpred was started by an MPI launcher but built without MPI; install libopenmpi-dev (scripts/install-deps.sh) "
      "and rebuild, or run without mpirun (--jobs N for worker processes on one machine)");
}

#else

namespace {

enum Tag : int { kRunFiles = 1, kRunFailed = 2, kRunSkipped = 3 };

// One message per assigned run: key \0 rows \0 predictions \0 transfer samples (kRunFiles), key \0 error (kRunFailed),
// or key \0 \0 (kRunSkipped: not run after an earlier failure on that rank). Rank 0 counts them to know when all are
// in.
std::string pack(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += part + '\0';
  return out;
}

std::vector<std::string> unpack(const std::string& message) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  for (std::size_t end; (end = message.find('\0', begin)) != std::string::npos; begin = end + 1) {
    parts.push_back(message.substr(begin, end - begin));
  }
  return parts;
}

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw Error(std::string("MPI error in ") + what);
}

struct Mpi {
  Mpi() {
    check(MPI_Init(nullptr, nullptr), "MPI_Init");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  ~Mpi() { MPI_Finalize(); }
  int rank = 0;
  int size = 1;
};

// Rank 0's side: stores what the other ranks send and remembers their failures.
struct Collector {
  explicit Collector(const std::filesystem::path& run_dir) : dir(run_dir) {}
  const std::filesystem::path& dir;
  std::size_t expected = 0;  // messages still to come
  std::size_t stored = 0;
  std::vector<std::string> failures;

  void receive(bool wait) {
    while (expected > 0) {
      MPI_Status status;
      int ready = 1;
      if (wait) {
        check(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &status), "MPI_Probe");
      } else {
        check(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &ready, &status), "MPI_Iprobe");
        if (!ready) return;
      }
      int bytes = 0;
      MPI_Get_count(&status, MPI_CHAR, &bytes);
      std::string message(static_cast<std::size_t>(bytes), '\0');
      check(MPI_Recv(message.data(), bytes, MPI_CHAR, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE),
            "MPI_Recv");
      --expected;
      const auto parts = unpack(message);
      if (status.MPI_TAG == kRunFiles && parts.size() == 4) {
        store_run_files(dir, {parts[0], parts[1], parts[2], parts[3]});
        ++stored;
      } else if (status.MPI_TAG == kRunFailed && parts.size() == 2) {
        failures.push_back("rank " + std::to_string(status.MPI_SOURCE) + ": " + parts[1]);
      }
    }
  }
};

}  // namespace

void run_with_mpi(const Study& study, const ExperimentExecutor& execute, const RunnerOptions& options) {
  Mpi mpi;
  if (mpi.rank != 0) spdlog::set_pattern("%H:%M:%S %^%l%$ [rank " + std::to_string(mpi.rank) + "] %v");
  // Rank 0 owns the run directory and decides the work; the others may not even see its file system.
  StudyOutcome outcome;
  std::vector<unsigned long long> pending;
  if (mpi.rank == 0) {
    try {
      outcome = begin_study(study, options);
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    for (std::size_t i = 0; i < study.runs.size(); ++i) {
      if (options.shard.contains(i) && !run_finished(outcome.dir, study.runs[i].key)) pending.push_back(i);
    }
    spdlog::info("study '{}': {} runs, {} to run over {} MPI ranks, {} already finished; run directory {}", study.name,
                 outcome.total, pending.size(), mpi.size, outcome.skipped, outcome.dir.string());
  }
  unsigned long long count = pending.size();
  MPI_Bcast(&count, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
  pending.resize(count);
  MPI_Bcast(pending.data(), static_cast<int>(count), MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);

  Collector collector(outcome.dir);
  for (std::size_t j = 0; j < pending.size(); ++j) {
    collector.expected += static_cast<int>(j % static_cast<std::size_t>(mpi.size)) != 0 ? 1 : 0;
  }
  std::deque<std::string> outbox;  // kept alive (and in place) until the sends complete
  std::vector<MPI_Request> requests;
  std::string failure;
  std::size_t own_stored = 0;
  const auto size = static_cast<std::size_t>(mpi.size);
  for (std::size_t j = static_cast<std::size_t>(mpi.rank); j < pending.size(); j += size) {
    const StudyRun& run = study.runs[pending[j]];
    std::optional<RunFiles> files;
    std::string error;
    if (failure.empty()) {  // after a failure a rank stops working, as a serial run would
      spdlog::info("run {} ({} of {} pending)", run.key, j + 1, pending.size());
      try {
        files = run_files(run.key, execute(run.config, {}));
      } catch (const std::exception& e) {
        failure = error = "run " + run.key + " failed: " + e.what();
        spdlog::error("{}", failure);
      }
    }
    if (mpi.rank == 0) {
      if (files) store_run_files(outcome.dir, *files);
      own_stored += files ? 1 : 0;
      collector.receive(false);
      if (options.progress) {
        options.progress({outcome.skipped + own_stored + collector.stored, outcome.total, "", "", 0, 0, -1.0});
      }
      continue;
    }
    const Tag tag = files ? kRunFiles : error.empty() ? kRunSkipped : kRunFailed;
    outbox.push_back(files ? pack({files->key, files->rows_csv, files->predictions_csv, files->transfer_csv})
                           : pack({run.key, error}));
    requests.emplace_back();
    check(MPI_Isend(outbox.back().data(), static_cast<int>(outbox.back().size()), MPI_CHAR, 0, tag, MPI_COMM_WORLD,
                    &requests.back()),
          "MPI_Isend");
  }
  if (!requests.empty()) MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
  if (mpi.rank != 0) {
    MPI_Barrier(MPI_COMM_WORLD);
    if (!failure.empty()) throw Error(failure);
    return;
  }
  collector.receive(true);
  MPI_Barrier(MPI_COMM_WORLD);
  if (!failure.empty()) collector.failures.insert(collector.failures.begin(), "rank 0: " + failure);
  const std::size_t finished = count_finished(study, outcome.dir, options.shard);
  outcome.executed = finished - outcome.skipped;
  end_study(study, options, outcome);
  if (!collector.failures.empty()) {
    throw Error(join(collector.failures, "; ") + "\n" + std::to_string(finished) + " finished runs are kept in " +
                outcome.dir.string() + "; run the study again to resume");
  }
  spdlog::info("study '{}' complete: {} runs ({} skipped, {} executed on {} ranks); results in {}", study.name,
               outcome.total, outcome.skipped, outcome.executed, mpi.size, (outcome.dir / "results.csv").string());
}

#endif

}  // namespace latpred::cli
