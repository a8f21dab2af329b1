// Internals of the plugin loader shared by its translation units (not installed).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "latpred/plugin_loader.hpp"

namespace latpred::detail {

// One entry of the plugin search path. Entries the user named (--plugin-path, $LATPRED_PLUGIN_PATH) must exist;
// the default directory may be absent (e.g. an install without plugins).
struct SearchEntry {
  std::filesystem::path path;
  std::string origin;  // "--plugin-path", "LATPRED_PLUGIN_PATH", "default"
  bool must_exist = true;
};

std::vector<SearchEntry> search_entries(const PluginSearchOptions& options);

// The plugin files of the search path in search order: a file entry as is, a directory's *.so sorted by name. A file
// reached twice (same canonical path) is kept once. Missing or unreadable entries become Scan errors.
std::vector<std::filesystem::path> scan_plugin_files(const std::vector<SearchEntry>& entries,
                                                     std::vector<PluginLoadError>& errors);

// What the "latpred" section of a library declares, read from the file without loading it.
struct SectionContents {
  std::vector<std::string> symbols;  // visible symbols of the section
  bool has_section = false;
  bool has_symbol_table = false;  // false for a stripped library: its section symbols cannot be listed
};
// Throws Error naming the file for an unreadable, truncated or non-ELF file.
SectionContents read_plugin_section(const std::filesystem::path& file);

}  // namespace latpred::detail
