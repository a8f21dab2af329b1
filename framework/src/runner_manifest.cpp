// manifest.json of a run directory: what produced the results (versions, plugins, machine, time, command).
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <dlfcn.h>

#include <ctime>
#include <fstream>

#include <nlohmann/json.hpp>

#include "latpred/build_info.hpp"
#include "runner_internal.hpp"

namespace fs = std::filesystem;

namespace latpred::detail {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
  }
  return "unknown";
}

// The BLAS LibTorch's GEMMs run on, looked up at run time so latpred does not link OpenBLAS itself. Its thread
// count changes GEMM rounding (a 10-sample fine-tune amplifies that into different Spearmans), so a result is only
// reproducible with it recorded. {"library": "unknown"} for a BLAS other than OpenBLAS.
nlohmann::json blas_info() {
  using ThreadsFn = int (*)();
  using ConfigFn = char* (*)();
  auto threads = reinterpret_cast<ThreadsFn>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  auto config = reinterpret_cast<ConfigFn>(::dlsym(RTLD_DEFAULT, "openblas_get_config"));
  if (!threads) return {{"library", "unknown"}};
  return {{"library", config ? std::string(config()) : std::string("OpenBLAS")}, {"threads", threads()}};
}

}  // namespace

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

void write_manifest(const Study& study, const RunnerOptions& options, const ManifestInfo& info, const fs::path& dir) {
  nlohmann::json plugins = nlohmann::json::array();
  for (const auto& plugin : options.plugins) {
    plugins.push_back({{"name", plugin.name},
                       {"version", plugin.version},
                       {"file", plugin.file},
                       {"sha256", plugin.sha256},
                       {"torch_version", plugin.torch_version},
                       {"components", plugin.components}});
  }
  const nlohmann::json manifest = {
      {"study", study.name},
      {"study_file", fs::absolute(study.file).string()},
      {"status", info.status},
      {"started", info.started},
      {"ended", info.ended},
      {"command_line", options.command_line},
      {"latpred_version", LATPRED_VERSION},
      {"git_revision", build_git_revision()},
      {"libtorch_version", TORCH_VERSION},
      {"cpu_model", cpu_model()},
      {"torch_threads", at::get_num_threads()},
      {"blas", blas_info()},
      {"plugins", plugins},
      {"runs", {{"total", info.outcome.total}, {"skipped", info.outcome.skipped}, {"executed", info.outcome.executed}}},
  };
  write_file_atomic(dir / "manifest.json", manifest.dump(2) + "\n");
}

}  // namespace latpred::detail
