// The plugin loader, stage by stage, against the fixture plugins of tests/fixtures (built into LATPRED_FIXTURE_DIR).
#include <dlfcn.h>
#include <torch/version.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "latpred/plugin.hpp"
#include "latpred/plugin_loader.hpp"
#include "latpred/sampler.hpp"
#include "latpred/sha256.hpp"

// glog (pulled in by the torch headers) defines CHECK too; Catch's must win, so it is included last.
#undef CHECK
#include <catch2/catch.hpp>

namespace fs = std::filesystem;
using latpred::LoadStage;
using latpred::PluginHost;

namespace {

fs::path fixture(const std::string& name) { return fs::path(LATPRED_FIXTURE_DIR) / name; }

// A fresh directory under /tmp, removed at scope exit.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag)
      : path(fs::temp_directory_path() / ("latpred_loader_" + tag + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

// Sets an environment variable for the scope of a test and restores the previous value.
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
    if (const char* v = std::getenv(name.c_str())) old = v;
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { old ? ::setenv(name.c_str(), old->c_str(), 1) : ::unsetenv(name.c_str()); }
};

// Loads one file into a fresh host and returns its only error.
latpred::PluginLoadError single_error(const std::string& name) {
  PluginHost host;
  CHECK_FALSE(host.load(fixture(name)));
  REQUIRE(host.errors().size() == 1);
  CHECK(host.plugins().empty());
  CHECK(host.registry().all().empty());
  return host.errors().front();
}

bool is_mapped(const fs::path& library) {
  void* handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle) ::dlclose(handle);  // RTLD_NOLOAD still takes a reference
  return handle != nullptr;
}

latpred::SampleRequest first_of(std::vector<int64_t> candidates, int64_t k) {
  latpred::SampleRequest request;
  request.candidates = std::move(candidates);
  request.k = k;
  return request;
}

}  // namespace

TEST_CASE("plugin loader: a good plugin registers tagged components", "[plugin]") {
  PluginHost host;
  const fs::path file = fs::canonical(fixture("good.so"));
  REQUIRE(host.load(file));
  CHECK(host.errors().empty());
  REQUIRE(host.plugins().size() == 1);
  const latpred::LoadedPlugin& plugin = host.plugins().front();
  CHECK(plugin.name == "fixture_good");
  CHECK(plugin.version == "1.2.3");
  CHECK(plugin.file == file.string());
  CHECK(plugin.torch_version == TORCH_VERSION);
  CHECK(plugin.sha256 == latpred::sha256_file(file));
  CHECK(plugin.components == std::vector<std::string>{"sampler/fixture_good"});

  const latpred::ComponentSpec& spec = host.registry().get("sampler", "fixture_good");
  CHECK(spec.plugin == "fixture_good");
  CHECK(spec.file == file.string());
  auto sampler = host.registry().create<latpred::Sampler>("fixture_good", latpred::default_params(spec.schema));
  CHECK(sampler->select(first_of({4, 5, 6}, 2)) == std::vector<int64_t>{4, 5});
  CHECK(latpred::inspect_plugin_symbols(file) ==
        std::vector<std::string>{latpred::kPluginAliasPrefix + std::to_string(latpred::kAbiVersion)});
}

TEST_CASE("plugin loader: every failing stage is reported with file and reason", "[plugin]") {
  SECTION("scan: a missing --plugin-path entry") {
    PluginHost host;
    latpred::PluginSearchOptions options;
    options.cli_paths = {"/nonexistent/latpred_plugins"};
    options.use_env = false;
    options.use_default = false;
    CHECK(host.load_all(options) == 0);
    REQUIRE(host.errors().size() == 1);
    CHECK(host.errors()[0].stage == LoadStage::Scan);
    CHECK(host.errors()[0].file == "/nonexistent/latpred_plugins");
    CHECK_THAT(host.errors()[0].message, Catch::Contains("no such file or directory (from --plugin-path)"));
  }
  SECTION("inspect: a text file named .so") {
    const auto error = single_error("not_elf.so");
    CHECK(error.stage == LoadStage::Inspect);
    CHECK(error.file == fs::canonical(fixture("not_elf.so")).string());
    CHECK_THAT(error.message, Catch::StartsWith("not a readable ELF shared library"));
    CHECK_THROWS_WITH(latpred::inspect_plugin_symbols(fixture("not_elf.so")), Catch::Contains("not_elf.so"));
  }
  SECTION("inspect: a truncated library") {
    const auto error = single_error("truncated.so");
    CHECK(error.stage == LoadStage::Inspect);
    CHECK_THAT(error.message, Catch::StartsWith("not a readable ELF shared library"));
  }
  SECTION("inspect: a library without entry point") {
    const auto error = single_error("no_entry.so");
    CHECK(error.stage == LoadStage::Inspect);
    CHECK_THAT(error.message, Catch::Contains("no latpred entry point"));
    CHECK_FALSE(is_mapped(fixture("no_entry.so")));
  }
  SECTION("inspect: a stripped library cannot show its ABI version") {
    const auto error = single_error("stripped.so");
    CHECK(error.stage == LoadStage::Inspect);
    CHECK_THAT(error.message, Catch::Contains("stripped"));
  }
  SECTION("inspect: a wrong ABI version is rejected without opening the library") {
    const auto error = single_error("wrong_abi.so");
    CHECK(error.stage == LoadStage::Inspect);
    CHECK(error.message == "plugin ABI version 99, host expects " + std::to_string(latpred::kAbiVersion));
    CHECK_FALSE(is_mapped(fixture("wrong_abi.so")));
  }
  SECTION("open: an undefined symbol, with the dynamic linker's message") {
    const auto error = single_error("unresolved.so");
    CHECK(error.stage == LoadStage::Open);
    CHECK(error.message == "dlopen failed: " + fs::canonical(fixture("unresolved.so")).string() +
                               ": undefined symbol: latpred_fixture_symbol_that_does_not_exist");
  }
  SECTION("entry point: a null alias") {
    const auto error = single_error("null_entry.so");
    CHECK(error.stage == LoadStage::EntryPoint);
    CHECK(error.message == "entry point " + std::string(latpred::kPluginAliasPrefix) +
                               std::to_string(latpred::kAbiVersion) + " is null");
  }
  SECTION("handshake: another LibTorch version") {
    const auto error = single_error("wrong_torch.so");
    CHECK(error.stage == LoadStage::Handshake);
    CHECK(error.message == "plugin 'fixture_wrong_torch' was built against LibTorch 0.4.1, host uses " TORCH_VERSION);
  }
  SECTION("register: std::exception, c10::Error and a non-exception are caught, nothing is registered") {
    CHECK(single_error("register_throws.so").message ==
          "register function of plugin 'fixture_register_throws' threw: fixture register failure");
    const auto torch_error = single_error("register_throws_torch.so");
    CHECK(torch_error.stage == LoadStage::Register);
    CHECK_THAT(torch_error.message, Catch::Contains("threw: LibTorch error: fixture torch failure"));
    const auto unknown = single_error("register_throws_int.so");
    CHECK(unknown.stage == LoadStage::Register);
    CHECK_THAT(unknown.message, Catch::Contains("unknown exception"));
  }
  SECTION("conflict: duplicate (kind, type), same file twice, same plugin name from another file") {
    PluginHost host;
    REQUIRE(host.load(fixture("good.so")));
    CHECK_FALSE(host.load(fixture("duplicate.so")));
    CHECK_FALSE(host.load(fixture("good.so")));
    TempDir dir("conflict");
    fs::copy_file(fixture("good.so"), dir.path / "good_copy.so");
    CHECK_FALSE(host.load(dir.path / "good_copy.so"));

    REQUIRE(host.errors().size() == 3);
    for (const auto& error : host.errors()) CHECK(error.stage == LoadStage::Conflict);
    CHECK_THAT(host.errors()[0].message, Catch::Contains("duplicate component sampler 'fixture_good' from plugin "
                                                         "'fixture_duplicate'"));
    CHECK(host.errors()[1].message == "plugin file already loaded");
    CHECK_THAT(host.errors()[2].message, Catch::StartsWith("duplicate plugin name 'fixture_good': already loaded"));
    CHECK(host.plugins().size() == 1);
    CHECK(host.registry().get("sampler", "fixture_good").plugin == "fixture_good");
  }
}

TEST_CASE("plugin search path: --plugin-path, then LATPRED_PLUGIN_PATH, then the default", "[plugin]") {
  TempDir cli_dir("cli"), env_dir("env");
  fs::copy_file(fixture("good.so"), cli_dir.path / "good.so");
  fs::copy_file(fixture("good.so"), env_dir.path / "good.so");
  fs::copy_file(fixture("lifetime.so"), env_dir.path / "lifetime.so");
  fs::copy_file(fixture("not_elf.so"), env_dir.path / "a_not_elf.so");
  std::ofstream(env_dir.path / "README.txt") << "not a library, not scanned\n";
  ScopedEnv env("LATPRED_PLUGIN_PATH", ":" + env_dir.path.string() + "::");  // empty entries are ignored

  latpred::PluginSearchOptions options;
  options.cli_paths = {cli_dir.path.string()};
  CHECK(PluginHost().search_path(options) ==
        std::vector<fs::path>{cli_dir.path, env_dir.path, latpred::default_plugin_dir()});
  options.use_default = false;

  PluginHost host;
  CHECK(host.load_all(options) == 2);
  REQUIRE(host.plugins().size() == 2);
  CHECK(host.plugins()[0].file == fs::canonical(cli_dir.path / "good.so").string());  // first in the path wins
  CHECK(host.plugins()[1].name == "fixture_lifetime");
  // Directory entries are loaded in name order, so the errors come in a fixed order too.
  REQUIRE(host.errors().size() == 2);
  CHECK(host.errors()[0].stage == LoadStage::Inspect);
  CHECK_THAT(host.errors()[0].file, Catch::EndsWith("a_not_elf.so"));
  CHECK(host.errors()[1].stage == LoadStage::Conflict);
  CHECK(host.errors()[1].file == fs::canonical(env_dir.path / "good.so").string());

  SECTION("a second load_all adds nothing and reports no new conflict for what is loaded") {
    CHECK(host.load_all(options) == 0);
    CHECK(host.plugins().size() == 2);
  }
  SECTION("use_env = false ignores LATPRED_PLUGIN_PATH") {
    options.use_env = false;
    CHECK(PluginHost().search_path(options) == std::vector<fs::path>{cli_dir.path});
  }
}

TEST_CASE("plugin loader: default directory, strict mode and error text", "[plugin]") {
  CHECK(latpred::default_plugin_dir() == fs::path(LATPRED_BUILD_PLUGIN_DIR));  // the tests run from the build tree

  PluginHost clean;
  REQUIRE(clean.load(fixture("good.so")));
  CHECK_NOTHROW(latpred::throw_if_errors(clean));

  PluginHost broken;
  broken.load(fixture("good.so"));
  broken.load(fixture("no_entry.so"));
  broken.load(fixture("wrong_torch.so"));
  try {
    latpred::throw_if_errors(broken);
    FAIL("strict mode must throw");
  } catch (const latpred::Error& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::StartsWith("2 plugin load error(s)"));
    CHECK_THAT(message, Catch::Contains("no_entry.so: [inspect] no latpred entry point"));
    CHECK_THAT(message, Catch::Contains("wrong_torch.so: [handshake] plugin 'fixture_wrong_torch'"));
    CHECK_THAT(message, Catch::Contains("(hint: rebuild the plugin against the host's LibTorch)"));
  }
  CHECK(latpred::to_string(LoadStage::EntryPoint) == "entry point");
  const latpred::PluginLoadError error{"/p/x.so", LoadStage::Open, "dlopen failed", "rebuild it"};
  CHECK(error.str() == "/p/x.so: [open] dlopen failed (hint: rebuild it)");
}

TEST_CASE("plugin objects keep their library loaded after the host is gone", "[plugin]") {
  const fs::path file = fs::canonical(fixture("lifetime.so"));
  REQUIRE_FALSE(is_mapped(file));
  std::shared_ptr<latpred::Sampler> sampler;
  {
    PluginHost host;
    REQUIRE(host.load(file));
    sampler = host.registry().create<latpred::Sampler>("fixture_lifetime", latpred::Params());
  }
  REQUIRE(is_mapped(file));
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  REQUIRE(handle != nullptr);
  auto live_samplers = reinterpret_cast<int (*)()>(::dlsym(handle, "fixture_lifetime_live_samplers"));
  REQUIRE(live_samplers != nullptr);
  CHECK(live_samplers() == 1);
  ::dlclose(handle);

  CHECK(sampler->select(first_of({10, 20, 30}, 2)) == std::vector<int64_t>{17, 27});  // plugin code still runs
  sampler.reset();  // the destructor (plugin code) runs, then the last library reference goes
  CHECK_FALSE(is_mapped(file));
}

TEST_CASE("sha256 matches the FIPS 180-4 test vectors", "[plugin][sha256]") {
  CHECK(latpred::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(latpred::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(latpred::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million_a(1000000, 'a');
  CHECK(latpred::sha256_hex(million_a) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  TempDir dir("sha");
  std::ofstream(dir.path / "a.bin", std::ios::binary) << million_a;
  CHECK(latpred::sha256_file(dir.path / "a.bin") == latpred::sha256_hex(million_a));
  CHECK_THROWS_WITH(latpred::sha256_file(dir.path / "missing"), Catch::Contains("missing: cannot open file"));
}
