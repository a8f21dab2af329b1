// The scale-out modes of `latpred run`: --jobs N worker processes on this machine, and MPI ranks under mpirun.
#pragma once

#include <string>
#include <vector>

#include "latpred/runner.hpp"

namespace latpred::cli {

// Runs the study with `jobs` worker processes: this program re-executed with `worker_args` + "--worker <i>".
// Each worker claims runs in the shared run directory (run_study_worker); this process reports progress, waits
// and writes the results. Throws Error when a worker fails (the finished runs are kept; run again to resume).
void run_with_jobs(const Study& study, const RunnerOptions& options, int jobs,
                   const std::vector<std::string>& worker_args);

// The world size when started by an MPI launcher (read from its environment before MPI_Init), else 1.
int mpi_launch_size();
// Runs the study over the MPI ranks: rank 0 lists the unfinished runs, each rank executes every size-th of them,
// the others send their run files to rank 0, which writes them and the results. Needs mpi_launch_size() > 1.
void run_with_mpi(const Study& study, const ExperimentExecutor& execute, const RunnerOptions& options);

}  // namespace latpred::cli
