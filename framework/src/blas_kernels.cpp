#include "latpred/blas_kernels.hpp"

#include "blas_kernels_choice.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string_view>
#include <vector>

namespace latpred {
namespace {

// Set before re-executing: the kernel family OpenBLAS had chosen on its own.
constexpr const char* kDetectedVariable = "LATPRED_OPENBLAS_DETECTED";

// This process's argv, from /proc (so the function needs no arguments and works from any main()).
std::vector<std::string> own_command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (std::size_t begin = 0; begin < raw.size();) {
    const std::size_t end = raw.find('\0', begin);
    args.push_back(raw.substr(begin, end == std::string::npos ? std::string::npos : end - begin));
    if (end == std::string::npos) break;
    begin = end + 1;
  }
  return args;
}

// The OpenBLAS kernel family this CPU can run, from its instruction sets; empty when there is nothing better than
// the SSE-era kernels.
std::string native_kernel_family() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512cd")) {
    return "SkylakeX";
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  if (__builtin_cpu_supports("avx")) return "Sandybridge";
#endif
  return "";
}

}  // namespace

std::string kernel_override(std::string detected, const std::string& native_family) {
  std::transform(detected.begin(), detected.end(), detected.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::array<std::string_view, 11> kSseEraKernels = {
      "unknown", "katmai", "coppermine", "northwood", "prescott", "banias",
      "core2",   "penryn", "dunnington", "nehalem",   "atom"};
  const bool fallback = std::find(kSseEraKernels.begin(), kSseEraKernels.end(), detected) != kSseEraKernels.end();
  return fallback ? native_family : std::string();
}

std::string openblas_kernels() {
  // Looked up at run time so latpred does not link OpenBLAS itself.
  using CoreNameFn = char* (*)();
  auto core_name = reinterpret_cast<CoreNameFn>(::dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* name = core_name ? core_name() : nullptr;
  return name ? std::string(name) : std::string();
}

void use_native_blas_kernels() {
  if (std::getenv("OPENBLAS_CORETYPE")) return;
  const std::string detected = openblas_kernels();
  if (detected.empty()) return;
  const std::string family = kernel_override(detected, native_kernel_family());
  if (family.empty()) return;
  std::vector<std::string> args = own_command_line();
  if (args.empty()) return;
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ::setenv("OPENBLAS_CORETYPE", family.c_str(), 1);
  ::setenv(kDetectedVariable, detected.c_str(), 1);
  ::execv("/proc/self/exe", argv.data());
  // Still here: the re-execution failed; go on with the slow kernels rather than not at all.
  ::unsetenv("OPENBLAS_CORETYPE");
  ::unsetenv(kDetectedVariable);
}

std::string blas_kernel_note() {
  const char* detected = std::getenv(kDetectedVariable);
  const char* chosen = std::getenv("OPENBLAS_CORETYPE");
  if (!detected || !chosen) return "";
  return std::string("OpenBLAS took this CPU for ") + detected + "; using " + openblas_kernels() +
         " kernels (OPENBLAS_CORETYPE=" + chosen + "; set it to choose others)";
}

}  // namespace latpred
