#include "latpred/search_space.hpp"

#include <stdexcept>

#include "latpred/error.hpp"

namespace latpred {

void SearchSpace::check(const std::vector<int>& ops) const {
  if (static_cast<int>(ops.size()) != num_choices()) {
    throw std::invalid_argument(name() + ": expected " + std::to_string(num_choices()) + " op ids, got " +
                                std::to_string(ops.size()));
  }
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i] < 0 || ops[i] >= num_op_values()) {
      throw std::invalid_argument(name() + ": op id " + std::to_string(ops[i]) + " at position " + std::to_string(i) +
                                  " is out of range [0, " + std::to_string(num_op_values() - 1) + "]");
    }
  }
}

std::vector<std::string> search_space_names() { return {"nb201", "fbnet"}; }

std::unique_ptr<SearchSpace> make_search_space(const std::string& name) {
  if (name == "nb201") return make_nb201_space();
  if (name == "fbnet") return make_fbnet_space();
  const auto known = search_space_names();
  throw Error("unknown search space '" + name + "'. " + did_you_mean(name, known) + "Known spaces: " + join(known) +
              ".");
}

}  // namespace latpred
