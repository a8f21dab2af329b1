#include "latpred/arch_selection.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>

#include "latpred/error.hpp"

namespace latpred {
namespace {

const char* const kForms = "expected 'all', 'A-B', 'I', a comma list of those, 'sample:N[:SEED]' or a file of indices";

bool parse_int(const std::string& text, int64_t& value) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && value >= 0;
}

// One "I" or "A-B" item; appends to out. Returns an error message or "".
std::string parse_item(const std::string& item, int64_t num_archs, std::vector<int64_t>& out) {
  int64_t first = 0, last = 0;
  const std::size_t dash = item.find('-');
  const bool ok = dash == std::string::npos
                      ? parse_int(item, first) && parse_int(item, last)
                      : parse_int(item.substr(0, dash), first) && parse_int(item.substr(dash + 1), last);
  if (!ok || first > last) return "'" + item + "' is not an index or an increasing range A-B";
  if (last >= num_archs) {
    return "'" + item + "' is out of range: the space has " + std::to_string(num_archs) + " architectures (0.." +
           std::to_string(num_archs - 1) + ")";
  }
  for (int64_t i = first; i <= last; ++i) out.push_back(i);
  return "";
}

std::vector<int64_t> sample(const std::string& spec, int64_t num_archs) {
  std::vector<std::string> parts;
  for (std::size_t start = 0, colon;; start = colon + 1) {
    colon = spec.find(':', start);
    parts.push_back(spec.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
  }
  int64_t n = 0, seed = 0;
  if (parts.size() < 2 || parts.size() > 3 || !parse_int(parts[1], n) || n < 1 ||
      (parts.size() == 3 && !parse_int(parts[2], seed))) {
    throw ConfigError({}, "archs", "'" + spec + "': expected sample:N or sample:N:SEED with N >= 1");
  }
  if (n > num_archs) {
    throw ConfigError(
        {}, "archs",
        "'" + spec + "' asks for more architectures than the space has (" + std::to_string(num_archs) + ")");
  }
  std::vector<int64_t> all(static_cast<std::size_t>(num_archs));
  std::iota(all.begin(), all.end(), 0);
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(static_cast<std::size_t>(n));
  return all;
}

}  // namespace

std::vector<int64_t> parse_arch_selection(const std::string& spec, int64_t num_archs) {
  std::vector<int64_t> out;
  if (spec == "all") {
    out.resize(static_cast<std::size_t>(num_archs));
    std::iota(out.begin(), out.end(), 0);
  } else if (spec.rfind("sample:", 0) == 0) {
    out = sample(spec, num_archs);
  } else if (std::filesystem::is_regular_file(spec)) {
    std::ifstream in(spec);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      line = line.substr(0, line.find('#'));
      line.erase(
          std::remove_if(line.begin(), line.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
          line.end());
      if (line.empty()) continue;
      if (const std::string error = parse_item(line, num_archs, out); !error.empty()) {
        throw ConfigError({spec, number, 0}, "archs", error);
      }
    }
  } else {
    for (std::size_t start = 0, comma;; start = comma + 1) {
      comma = spec.find(',', start);
      const std::string item = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (const std::string error = parse_item(item, num_archs, out); !error.empty()) {
        throw ConfigError({}, "archs", "architecture selection '" + spec + "': " + error + " (" + kForms + ")");
      }
      if (comma == std::string::npos) break;
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.empty()) throw ConfigError({}, "archs", "architecture selection '" + spec + "' is empty (" + kForms + ")");
  return out;
}

}  // namespace latpred
