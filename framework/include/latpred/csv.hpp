// CSV fields, for the kernel and for plugins that read side tables: one splitter for plain tables (data files)
// and one for the quoted cells the run directory writes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "latpred/export.hpp"

namespace latpred {

// Splits a plain line at `sep` into views of `line` (no quoting; a trailing '\r' of a CRLF file is dropped).
// Reuses `fields` so a loop over a large table allocates once.
LATPRED_API void split_fields(std::string_view line, std::vector<std::string_view>& fields, char sep = ',');
LATPRED_API std::vector<std::string> split_fields(std::string_view line, char sep = ',');

// A cell quoted when it holds a comma, quote or newline ("" inside quotes), and the splitter that undoes it.
LATPRED_API std::string csv_cell(const std::string& text);
LATPRED_API std::vector<std::string> split_csv_line(const std::string& line);

}  // namespace latpred
