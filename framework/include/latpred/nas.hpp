// Latency-constrained architecture search (NASFLAT_METHOD §6): find the most accurate architecture whose latency, as
// the search sees it (predicted by a transferred predictor, or measured), meets a constraint.
//
// The search works on a candidate list (op choices per candidate) so it is independent of the search space and of
// which archs a device has measured. Accuracy lookups are free (benchmark tables); what a strategy spends is
// latency lookups, counted in NasResult::evaluated (each distinct candidate once, as a measurement cache would).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "latpred/export.hpp"
#include "latpred/params.hpp"

namespace latpred {

struct NasProblem {
  std::vector<std::vector<int>> ops;  // op choices of each candidate (all of equal length)
  int num_op_values = 0;              // every op id is in [0, num_op_values)
  std::vector<double> latency_ms;     // the latency the search sees, per candidate
  std::vector<double> accuracy;       // per candidate
  double constraint_ms = 0.0;         // feasible: latency_ms <= constraint_ms
};

struct NasOptions {
  std::string strategy = "exhaustive";  // exhaustive | evolution | random
  int64_t population = 50;              // evolution: population size
  int64_t sample_size = 10;             // evolution: tournament size
  int64_t cycles = 1000;                // evolution: candidates evaluated in all, the initial population included
  int64_t random_samples = 1000;        // random: distinct candidates drawn
  uint64_t seed = 0;
};

struct NasImprovement {
  int64_t evaluated = 0;  // distinct candidates evaluated when this one became the best feasible
  int64_t candidate = -1;
};

struct NasResult {
  int64_t chosen = -1;                // candidate index; -1 when no evaluated candidate meets the constraint
  int64_t evaluated = 0;              // distinct candidates whose latency the search looked up
  std::vector<NasImprovement> trace;  // the best feasible candidate each time it changed
};

// Runs opts.strategy. Throws Error on an unknown strategy or an inconsistent problem (sizes, op ids).
// exhaustive: every candidate. random: `random_samples` distinct candidates drawn uniformly.
// evolution: regularised (aging) evolution (Real et al. 2019): a random initial population; each cycle draws
// `sample_size` members (with replacement), mutates the fittest (one op changed to another value) and replaces the
// oldest member with the child. Fitness ranks feasible candidates by accuracy above infeasible ones, which rank by
// lower latency, so a tight constraint still pulls the population towards feasibility.
// Every strategy returns the best feasible candidate it evaluated (ties: lower latency, then lower index).
LATPRED_API NasResult nas_search(const NasProblem& problem, const NasOptions& options);
LATPRED_API std::vector<std::string> nas_strategies();

// Pareto-optimal points (min latency, max accuracy), in ascending latency: indices into the inputs.
LATPRED_API std::vector<int64_t> pareto_front(const std::vector<double>& latency_ms,
                                              const std::vector<double>& accuracy);

// Schema of a study's [nas] table (also the defaults of `latpred nas`).
LATPRED_API const Schema& nas_schema();
LATPRED_API NasOptions nas_options(const Params& nas, uint64_t seed);

}  // namespace latpred
