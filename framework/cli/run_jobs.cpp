// latpred run --jobs N: worker processes (not threads: each has its own LibTorch intra-op pool and allocator).
#include <chrono>
#include <cstring>
#include <thread>

#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include "latpred/error.hpp"
#include "run_parallel.hpp"

extern char** environ;

namespace latpred::cli {
namespace {

pid_t spawn_worker(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, "/proc/self/exe", nullptr, nullptr, argv.data(), environ);
  if (error != 0) throw Error("cannot start a worker process: " + std::string(std::strerror(error)));
  return pid;
}

}  // namespace

void run_with_jobs(const Study& study, const RunnerOptions& options, int jobs,
                   const std::vector<std::string>& worker_args) {
  using Clock = std::chrono::steady_clock;
  StudyOutcome outcome = begin_study(study, options);
  spdlog::info("study '{}': {} runs, {} to run, {} already finished; {} worker processes; run directory {}", study.name,
               outcome.total, outcome.total - outcome.skipped, outcome.skipped, jobs, outcome.dir.string());
  std::vector<pid_t> workers;
  for (int i = 0; i < jobs; ++i) {
    std::vector<std::string> args = worker_args;
    args.insert(args.end(), {"--worker", std::to_string(i)});
    workers.push_back(spawn_worker(args));
  }
  std::vector<std::string> failures;
  const auto start = Clock::now();
  std::size_t running = workers.size();
  while (running > 0) {
    for (auto& pid : workers) {
      if (pid == 0) continue;
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) != pid) continue;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        failures.push_back("worker " + std::to_string(&pid - workers.data()) +
                           (WIFEXITED(status) ? " exited with code " + std::to_string(WEXITSTATUS(status))
                                              : " was killed by signal " + std::to_string(WTERMSIG(status))));
      pid = 0;
      --running;
    }
    const std::size_t finished = count_finished(study, outcome.dir, options.shard);
    if (options.progress) {
      // Throughput of this invocation, all workers together.
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      const std::size_t done_now = finished - outcome.skipped;
      const double eta =
          done_now ? elapsed / static_cast<double>(done_now) * static_cast<double>(outcome.total - finished) : -1.0;
      options.progress({finished, outcome.total, "", "", 0, 0, eta});
    }
    if (running > 0) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  outcome.executed = count_finished(study, outcome.dir, options.shard) - outcome.skipped;
  end_study(study, options, outcome);
  if (!failures.empty())
    throw Error(join(failures, "; ") + " (errors logged above); " + std::to_string(outcome.skipped + outcome.executed) +
                " finished runs are kept in " + outcome.dir.string() + "; run the study again to resume");
  spdlog::info("study '{}' complete: {} runs ({} skipped, {} executed by {} workers); results in {}", study.name,
               outcome.total, outcome.skipped, outcome.executed, jobs, (outcome.dir / "results.csv").string());
}

}  // namespace latpred::cli
