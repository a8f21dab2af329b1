// Stage "inspect" of the plugin loader: reads the "latpred" section of a library file without loading it, so an
// incompatible or foreign library is rejected before any of its code runs.
#include <algorithm>

#include <boost/dll/library_info.hpp>

#include "latpred/plugin.hpp"
#include "plugin_internal.hpp"

namespace fs = std::filesystem;

namespace latpred {

namespace detail {

SectionContents read_plugin_section(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) throw Error(file.string() + ": not a regular file");
  try {
    boost::dll::library_info info(file.string());
    SectionContents out;
    const auto sections = info.sections();
    out.has_section = std::find(sections.begin(), sections.end(), kPluginSection) != sections.end();
    out.has_symbol_table = !info.symbols().empty();
    if (out.has_section) out.symbols = info.symbols(kPluginSection);
    return out;
  } catch (const std::exception& e) {
    // Boost.DLL reports a truncated or non-ELF file as "basic_ios::clear: iostream error" or "Not native format":
    // say which file and what was expected.
    throw Error(file.string() + ": not a readable ELF shared library (" + e.what() + ")");
  }
}

}  // namespace detail

std::vector<std::string> inspect_plugin_symbols(const fs::path& file) {
  return detail::read_plugin_section(file).symbols;
}

}  // namespace latpred
