// Stages open → entry point → handshake → register → conflict of the plugin loader (scan and inspect live in
// plugin_scan.cpp and plugin_inspect.cpp). Each failure becomes one PluginLoadError; nothing is thrown.
#include "latpred/plugin_loader.hpp"

#include <cstring>
#include <map>

#include <c10/util/Exception.h>
#include <spdlog/spdlog.h>
#include <boost/dll/shared_library.hpp>

#include "latpred/plugin.hpp"
#include "latpred/sha256.hpp"
#include "plugin_internal.hpp"

namespace fs = std::filesystem;

namespace latpred {
namespace {

using Library = std::shared_ptr<boost::dll::shared_library>;

// Owns a plugin-created object together with its library. Members are destroyed in reverse order: the object (whose
// destructor is plugin code) goes first, the library handle last.
struct LibraryBoundObject {
  Library library;
  std::shared_ptr<Component> object;
};

// Wraps a plugin factory so that every object it creates keeps the library loaded. Same member order rule: the
// plugin's std::function (its destructor is plugin code) is destroyed before the library handle.
struct LibraryBoundFactory {
  Library library;
  ComponentFactory create;

  std::shared_ptr<Component> operator()(const Params& params) const {
    std::shared_ptr<Component> object = create(params);
    if (!object) return nullptr;
    Component* raw = object.get();
    auto owner = std::make_shared<LibraryBoundObject>(LibraryBoundObject{library, std::move(object)});
    return std::shared_ptr<Component>(std::move(owner), raw);  // aliasing: points at the object, owns both
  }
};

// Parses N of "latpred_plugin_abi_<N>"; -1 if the name does not have that form.
long alias_abi_version(const std::string& symbol) {
  const std::string prefix = kPluginAliasPrefix;
  if (symbol.compare(0, prefix.size(), prefix) != 0 || symbol.size() == prefix.size()) return -1;
  const std::string digits = symbol.substr(prefix.size());
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9) return -1;
  return std::stol(digits);
}

std::string text_or(const char* text, const char* fallback) { return text ? text : fallback; }

// The error already names the file; drop a leading "<path>: " so it is not printed twice.
std::string without_path_prefix(const std::string& message, const std::string& path) {
  const std::string prefix = path + ": ";
  return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

// Boost.DLL reports "load() failed (dlerror system message: <text>): <unrelated errno text>"; keep <text>.
std::string dlopen_message(const std::string& message) {
  const std::string marker = "(dlerror system message: ";
  const std::size_t start = message.find(marker);
  const std::size_t end = message.rfind("): ");
  if (start == std::string::npos || end == std::string::npos || end < start) return message;
  return "dlopen failed: " + message.substr(start + marker.size(), end - start - marker.size());
}

}  // namespace

struct PluginHost::Impl {
  // Canonical path → library. The host keeps every loaded library; objects additionally hold their own reference.
  std::map<std::string, Library> libraries;
};

PluginHost::PluginHost() : impl_(std::make_unique<Impl>()) {}
PluginHost::~PluginHost() = default;

int PluginHost::load_all(const PluginSearchOptions& options) {
  const auto files = detail::scan_plugin_files(detail::search_entries(options), errors_);
  int loaded = 0;
  for (const auto& file : files) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(file, ec);
    if (!ec && impl_->libraries.count(canonical.string())) continue;  // loaded by an earlier call: not a conflict
    if (load(file)) ++loaded;
  }
  return loaded;
}

bool PluginHost::load(const fs::path& file) {
  std::error_code ec;
  const fs::path canonical = fs::canonical(file, ec);
  auto fail = [&](LoadStage stage, std::string message, std::string hint) {
    errors_.push_back({ec ? file.string() : canonical.string(), stage, std::move(message), std::move(hint)});
    spdlog::debug("plugin load error: {}", errors_.back().str());
    return false;
  };
  if (ec) return fail(LoadStage::Scan, "cannot resolve path: " + ec.message(), "check that the file exists");
  const std::string path = canonical.string();
  if (impl_->libraries.count(path)) {
    return fail(LoadStage::Conflict, "plugin file already loaded", "list each plugin file once in the plugin path");
  }

  // Inspect: the ABI version is part of the alias name, so a mismatch is rejected without running any code.
  detail::SectionContents section;
  try {
    section = detail::read_plugin_section(canonical);
  } catch (const std::exception& e) {
    return fail(LoadStage::Inspect, without_path_prefix(e.what(), path),
                "only latpred plugin libraries (*.so) belong in the plugin path");
  }
  std::string alias;
  std::vector<std::string> other_versions;
  for (const auto& symbol : section.symbols) {
    const long version = alias_abi_version(symbol);
    if (version == static_cast<long>(kAbiVersion))
      alias = symbol;
    else if (version >= 0)
      other_versions.push_back(std::to_string(version));
  }
  if (alias.empty() && !other_versions.empty()) {
    return fail(LoadStage::Inspect,
                "plugin ABI version " + join(other_versions) + ", host expects " + std::to_string(kAbiVersion),
                "rebuild the plugin against this latpred SDK");
  }
  if (alias.empty()) {
    if (section.has_section && !section.has_symbol_table) {
      return fail(LoadStage::Inspect, "no latpred entry point readable: the library has no symbol table (stripped)",
                  "install plugins unstripped so their ABI version can be checked before loading");
    }
    return fail(LoadStage::Inspect,
                std::string("no latpred entry point (no ") + kPluginAliasPrefix + "<N> symbol in section '" +
                    kPluginSection + "')",
                "is this a latpred plugin? declare it with LATPRED_PLUGIN(name, version, register_fn)");
  }

  // Open: rtld_now so unresolved symbols fail here, with the dynamic linker's message, not at first call.
  Library library;
  try {
    library = std::make_shared<boost::dll::shared_library>(path, boost::dll::load_mode::rtld_now);
  } catch (const std::exception& e) {
    return fail(LoadStage::Open, dlopen_message(e.what()),
                "an undefined symbol usually means the plugin was built against another latpred or LibTorch");
  }

  // Entry point.
  const PluginInfo* info = nullptr;
  try {
    info = static_cast<const PluginInfo*>(library->get<const void*>(alias));
  } catch (const std::exception& e) {
    return fail(LoadStage::EntryPoint, "cannot resolve " + alias + ": " + e.what(),
                "the entry point must be exported; use the LATPRED_PLUGIN macro");
  }
  if (info == nullptr) {
    return fail(LoadStage::EntryPoint, "entry point " + alias + " is null", "use the LATPRED_PLUGIN macro");
  }

  // Handshake. Copy the strings now: they live in the library, which may be unloaded if a later stage fails.
  const std::string name = text_or(info->name, "");
  const std::string version = text_or(info->version, "");
  const std::string torch_version = text_or(info->torch_version, "<null>");
  if (info->abi_version != kAbiVersion) {
    return fail(LoadStage::Handshake,
                "plugin info has ABI version " + std::to_string(info->abi_version) + " but its alias is " + alias,
                "use the LATPRED_PLUGIN macro instead of writing the entry point by hand");
  }
  if (name.empty()) return fail(LoadStage::Handshake, "plugin has no name", "LATPRED_PLUGIN(name, ...) needs a name");
  if (torch_version != TORCH_VERSION) {
    return fail(LoadStage::Handshake,
                "plugin '" + name + "' was built against LibTorch " + torch_version + ", host uses " TORCH_VERSION,
                "rebuild the plugin against the host's LibTorch");
  }
  if (info->cxx11_abi != _GLIBCXX_USE_CXX11_ABI) {
    return fail(LoadStage::Handshake,
                "plugin '" + name + "' has _GLIBCXX_USE_CXX11_ABI=" + std::to_string(info->cxx11_abi) + ", host has " +
                    std::to_string(_GLIBCXX_USE_CXX11_ABI),
                "do not override _GLIBCXX_USE_CXX11_ABI when building plugins");
  }
  if (info->register_fn == nullptr) {
    return fail(LoadStage::Handshake, "plugin '" + name + "' has no register function", "pass one to LATPRED_PLUGIN");
  }
  for (const auto& loaded : plugins_) {
    if (loaded.name == name) {
      return fail(LoadStage::Conflict, "duplicate plugin name '" + name + "': already loaded from " + loaded.file,
                  "remove one of the two libraries from the plugin path (the first one found is kept)");
    }
  }

  // Register into a staging registry, so a plugin that throws half-way leaves the host registry untouched. The
  // staging registry holds plugin code (its factories) and so must be gone before `library` may be released.
  Registry tagged;
  LoadedPlugin plugin{name, version, path, "", torch_version, {}};
  {
    Registry staging;
    std::string failure;
    try {
      info->register_fn(staging);
    } catch (const c10::Error& e) {
      failure = std::string("LibTorch error: ") + e.what_without_backtrace();
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "unknown exception (not derived from std::exception)";
    }
    if (!failure.empty()) {
      return fail(LoadStage::Register, "register function of plugin '" + name + "' threw: " + failure,
                  "fix the plugin's register function");
    }
    try {
      for (const ComponentSpec* spec : staging.all()) {
        ComponentSpec bound = *spec;
        bound.plugin = name;
        bound.file = path;
        bound.create = LibraryBoundFactory{library, spec->create};
        tagged.add(std::move(bound));
        plugin.components.push_back(spec->kind + "/" + spec->type);
      }
    } catch (const std::exception& e) {
      return fail(LoadStage::Register, e.what(), "");
    }
  }
  if (plugin.components.empty()) spdlog::warn("plugin '{}' ({}) registered no components", name, path);

  // Conflict: duplicate (kind, type). merge() adds nothing if any spec collides.
  try {
    registry_.merge(std::move(tagged));
  } catch (const std::exception& e) {
    return fail(LoadStage::Conflict, e.what(), "two plugins register the same component; remove one of them");
  }

  try {
    plugin.sha256 = sha256_file(canonical);
  } catch (const std::exception& e) {
    spdlog::warn("{}", e.what());  // the plugin is loaded; only its manifest hash is missing
  }
  impl_->libraries.emplace(path, std::move(library));
  spdlog::debug("loaded plugin '{}' {} from {} ({} components)", name, version, path, plugin.components.size());
  plugins_.push_back(std::move(plugin));
  return true;
}

}  // namespace latpred
