// Which architectures a measurement or proxy run covers, as given on the command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "latpred/export.hpp"

namespace latpred {

// Parses an architecture selection into sorted, distinct indices in [0, num_archs):
//   "all" | "A-B" (inclusive) | "I" | comma lists of those ("0-9,42") | "sample:N" or "sample:N:SEED" (N distinct
//   indices drawn uniformly, seed 0 by default) | a file path (one index or range per line, '#' comments).
// Throws ConfigError naming the selection (and file:line) with the accepted forms.
LATPRED_API std::vector<int64_t> parse_arch_selection(const std::string& spec, int64_t num_archs);

}  // namespace latpred
