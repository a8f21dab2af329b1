// The [nas] table of a study (read by `latpred nas`; `latpred run` ignores it).
#include "latpred/accuracy.hpp"
#include "latpred/nas.hpp"

namespace latpred {

const Schema& nas_schema() {
  static const Schema schema =
      Schema()
          .reals("constraints", {}, "latency constraints, in constraint_unit (required here or via --constraint)", 0.0)
          .choice("constraint_unit", "ms", {"ms", "quantile"},
                  "ms: absolute; quantile: that quantile (0..1) of the device's PREDICTED latencies over the space, "
                  "so one list fits devices of very different speed without using a measurement")
          .real("margin", 0.0,
                "search under constraint x (1 - margin): a safety margin for the predictor's calibration error "
                "(feasibility is still judged against the constraint itself)",
                0.0, 0.9)
          .choice("strategy", "exhaustive", nas_strategies(), "search strategy")
          .texts("devices", {}, "test devices to search for (default: every test device of the task)")
          .choice("metric", "cifar10", nb201_accuracy_metrics(), "accuracy that is maximised")
          .choice("split", "test", accuracy_splits(), "accuracy split (the shared NATS-Bench file has test only)")
          .integer("population", 50, "evolution: population size", 2)
          .integer("sample_size", 10, "evolution: tournament size", 1)
          .integer("cycles", 1000, "evolution: candidates evaluated in all, the initial population included", 1)
          .integer("random_samples", 1000, "random: distinct candidates drawn", 1)
          .integer("seed", 42, "seed of the search (the transfer uses the study's first seed)", 0)
          .integer("speedup_repeats", 20,
                   "seeds of the measurement-driven evolution that the speedup is measured against (0 = skip)", 0)
          .integer("speedup_budget", 3000, "measurement-driven evolution: at most this many measurements", 1);
  return schema;
}

NasOptions nas_options(const Params& nas, uint64_t seed) {
  NasOptions o;
  o.strategy = nas.get_string("strategy");
  o.population = nas.get_int("population");
  o.sample_size = nas.get_int("sample_size");
  o.cycles = nas.get_int("cycles");
  o.random_samples = nas.get_int("random_samples");
  o.seed = seed;
  return o;
}

}  // namespace latpred
