// Latency-constrained search strategies over a candidate list (nas.hpp).
#include <algorithm>
#include <deque>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "latpred/error.hpp"
#include "latpred/nas.hpp"

namespace latpred {
namespace {

// Tracks the distinct candidates evaluated and the best feasible one among them.
class Evaluator {
 public:
  explicit Evaluator(const NasProblem& problem) : p_(problem) {}

  bool feasible(int64_t c) const { return p_.latency_ms[c] <= p_.constraint_ms; }
  // Ranking used for the result: feasible by accuracy, ties by lower latency, then lower index.
  bool better_feasible(int64_t a, int64_t b) const {
    if (b < 0) return true;
    if (p_.accuracy[a] != p_.accuracy[b]) return p_.accuracy[a] > p_.accuracy[b];
    if (p_.latency_ms[a] != p_.latency_ms[b]) return p_.latency_ms[a] < p_.latency_ms[b];
    return a < b;
  }
  // Evolution fitness: any feasible beats any infeasible; infeasible ones rank by lower latency.
  bool fitter(int64_t a, int64_t b) const {
    if (feasible(a) != feasible(b)) return feasible(a);
    if (feasible(a)) return better_feasible(a, b);
    if (p_.latency_ms[a] != p_.latency_ms[b]) return p_.latency_ms[a] < p_.latency_ms[b];
    return a < b;
  }
  void evaluate(int64_t c) {
    if (!seen_.insert(c).second) return;
    if (feasible(c) && better_feasible(c, result_.chosen)) {
      result_.chosen = c;
      result_.trace.push_back({static_cast<int64_t>(seen_.size()), c});
    }
  }
  int64_t distinct() const { return static_cast<int64_t>(seen_.size()); }
  NasResult finish() {
    result_.evaluated = distinct();
    return result_;
  }

 private:
  const NasProblem& p_;
  std::set<int64_t> seen_;
  NasResult result_;
};

void check_problem(const NasProblem& p) {
  const std::size_t n = p.ops.size();
  if (p.latency_ms.size() != n || p.accuracy.size() != n)
    throw Error("NAS problem: " + std::to_string(n) + " candidates but " + std::to_string(p.latency_ms.size()) +
                " latencies and " + std::to_string(p.accuracy.size()) + " accuracies");
  for (const auto& ops : p.ops) {
    if (ops.size() != p.ops.front().size()) throw Error("NAS problem: candidates have different numbers of op choices");
    for (int op : ops)
      if (op < 0 || op >= p.num_op_values)
        throw Error("NAS problem: op id " + std::to_string(op) + " outside [0, " + std::to_string(p.num_op_values) +
                    ")");
  }
}

int64_t uniform(std::mt19937_64& rng, int64_t n) { return std::uniform_int_distribution<int64_t>(0, n - 1)(rng); }

NasResult exhaustive(const NasProblem& p) {
  Evaluator eval(p);
  for (int64_t c = 0; c < static_cast<int64_t>(p.ops.size()); ++c) eval.evaluate(c);
  return eval.finish();
}

NasResult random_search(const NasProblem& p, const NasOptions& o) {
  Evaluator eval(p);
  std::mt19937_64 rng(o.seed);
  std::vector<int64_t> order(p.ops.size());
  std::iota(order.begin(), order.end(), 0);
  const auto n = std::min<int64_t>(o.random_samples, static_cast<int64_t>(order.size()));
  for (int64_t i = 0; i < n; ++i) {  // partial Fisher-Yates: n distinct draws
    std::swap(order[i], order[i + uniform(rng, static_cast<int64_t>(order.size()) - i)]);
    eval.evaluate(order[i]);
  }
  return eval.finish();
}

NasResult evolution(const NasProblem& p, const NasOptions& o) {
  if (o.population < 2 || o.sample_size < 1 || o.cycles < 1)
    throw Error("evolution needs population >= 2, sample_size >= 1 and cycles >= 1");
  Evaluator eval(p);
  std::mt19937_64 rng(o.seed);
  std::map<std::vector<int>, int64_t> index;  // op choices -> candidate
  for (int64_t c = 0; c < static_cast<int64_t>(p.ops.size()); ++c) index.emplace(p.ops[c], c);
  const auto n = static_cast<int64_t>(p.ops.size());
  const auto choices = static_cast<int64_t>(p.ops.front().size());

  // One op changed to a different value; candidates missing from the list (unmeasured archs) are redrawn.
  auto mutate = [&](int64_t parent) {
    for (int attempt = 0; attempt < 100 && p.num_op_values > 1; ++attempt) {
      std::vector<int> child = p.ops[parent];
      const int64_t pos = uniform(rng, choices);
      child[pos] = static_cast<int>((child[pos] + 1 + uniform(rng, p.num_op_values - 1)) % p.num_op_values);
      const auto it = index.find(child);
      if (it != index.end()) return it->second;
    }
    return uniform(rng, n);  // no neighbour in the list: restart from a random candidate
  };

  std::deque<int64_t> population;
  int64_t steps = 0;
  for (; steps < std::min(o.population, o.cycles); ++steps) {
    population.push_back(uniform(rng, n));
    eval.evaluate(population.back());
  }
  for (; steps < o.cycles; ++steps) {
    int64_t parent = -1;
    for (int64_t s = 0; s < o.sample_size; ++s) {
      const int64_t member = population[static_cast<std::size_t>(uniform(rng, population.size()))];
      if (parent < 0 || eval.fitter(member, parent)) parent = member;
    }
    const int64_t child = mutate(parent);
    eval.evaluate(child);
    population.push_back(child);
    population.pop_front();  // aging: the oldest dies, not the worst
  }
  return eval.finish();
}

}  // namespace

std::vector<std::string> nas_strategies() { return {"exhaustive", "evolution", "random"}; }

NasResult nas_search(const NasProblem& problem, const NasOptions& options) {
  check_problem(problem);
  if (problem.ops.empty()) return {};
  if (options.strategy == "exhaustive") return exhaustive(problem);
  if (options.strategy == "random") return random_search(problem, options);
  if (options.strategy == "evolution") return evolution(problem, options);
  const auto known = nas_strategies();
  throw Error("unknown NAS strategy '" + options.strategy + "'. " + did_you_mean(options.strategy, known) +
              "Strategies: " + join(known));
}

std::vector<int64_t> pareto_front(const std::vector<double>& latency_ms, const std::vector<double>& accuracy) {
  std::vector<int64_t> order(latency_ms.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    if (latency_ms[a] != latency_ms[b]) return latency_ms[a] < latency_ms[b];
    if (accuracy[a] != accuracy[b]) return accuracy[a] > accuracy[b];
    return a < b;
  });
  std::vector<int64_t> front;
  for (int64_t i : order)
    if (front.empty() || accuracy[i] > accuracy[front.back()]) front.push_back(i);
  return front;
}

}  // namespace latpred
