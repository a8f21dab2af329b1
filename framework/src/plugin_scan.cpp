// Stage "scan" of the plugin loader: the search path (--plugin-path, $LATPRED_PLUGIN_PATH, default directory) and
// the library files it names.
#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "plugin_internal.hpp"

namespace fs = std::filesystem;

namespace latpred {
namespace {

// Directory of the liblatpred file this code runs from ("" if the loader cannot tell).
fs::path kernel_library_dir() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&default_plugin_dir), &info) == 0 || info.dli_fname == nullptr) return {};
  std::error_code ec;
  const fs::path library = fs::canonical(info.dli_fname, ec);
  return ec ? fs::path() : library.parent_path();
}

std::vector<std::string> split_path_list(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find(':', start), list.size());
    if (end > start) out.push_back(list.substr(start, end - start));  // empty entries ("a::b") are ignored
    start = end + 1;
  }
  return out;
}

bool is_library_name(const fs::path& file) { return file.extension() == ".so"; }

}  // namespace

fs::path default_plugin_dir() {
  const fs::path library_dir = kernel_library_dir();
#ifdef LATPRED_BUILD_PLUGIN_DIR
  // Running from a build tree (build/lib/liblatpred.so next to build/plugins): its plugins are the ones built with
  // this very library. An installed copy of the library must not pick up a build tree that happens to exist.
  const fs::path build_dir = LATPRED_BUILD_PLUGIN_DIR;
  std::error_code ec;
  if (fs::is_directory(build_dir, ec) &&
      (library_dir.empty() || fs::equivalent(library_dir.parent_path(), build_dir.parent_path(), ec))) {
    return build_dir;
  }
#endif
  // Installed layout: <prefix>/<libdir>/liblatpred.so and <prefix>/<libdir>/latpred/plugins/*.so.
  return library_dir / "latpred" / "plugins";
}

std::vector<fs::path> PluginHost::search_path(const PluginSearchOptions& options) const {
  std::vector<fs::path> out;
  for (const auto& entry : detail::search_entries(options)) out.push_back(entry.path);
  return out;
}

namespace detail {

std::vector<SearchEntry> search_entries(const PluginSearchOptions& options) {
  std::vector<SearchEntry> out;
  for (const auto& path : options.cli_paths) out.push_back({path, "--plugin-path", true});
  if (options.use_env) {
    if (const char* env = std::getenv("LATPRED_PLUGIN_PATH")) {
      for (const auto& path : split_path_list(env)) out.push_back({path, "LATPRED_PLUGIN_PATH", true});
    }
  }
  if (options.use_default) out.push_back({default_plugin_dir(), "default", false});
  return out;
}

std::vector<fs::path> scan_plugin_files(const std::vector<SearchEntry>& entries, std::vector<PluginLoadError>& errors) {
  std::vector<fs::path> files;
  std::set<fs::path> seen;
  auto add_file = [&](const fs::path& file) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(file, ec);
    if (!seen.insert(ec ? file : canonical).second) return;  // same library reached twice through the path
    files.push_back(file);
  };
  for (const auto& entry : entries) {
    std::error_code ec;
    const fs::file_status status = fs::status(entry.path, ec);
    if (!fs::exists(status)) {
      if (entry.must_exist) {
        errors.push_back({entry.path.string(), LoadStage::Scan, "no such file or directory (from " + entry.origin + ")",
                          "check the path; directories are scanned for *.so files"});
      }
      continue;
    }
    if (!fs::is_directory(status)) {
      add_file(entry.path);  // a file named explicitly is tried whatever its name
      continue;
    }
    std::vector<fs::path> found;
    for (fs::directory_iterator it(entry.path, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (is_library_name(it->path()) && it->is_regular_file(type_ec)) found.push_back(it->path());
    }
    if (ec) {
      errors.push_back({entry.path.string(), LoadStage::Scan,
                        "cannot read directory (from " + entry.origin + "): " + ec.message(), "check its permissions"});
      continue;
    }
    std::sort(found.begin(), found.end());  // directory order is arbitrary; load order must not be
    for (const auto& file : found) add_file(file);
  }
  return files;
}

}  // namespace detail
}  // namespace latpred
