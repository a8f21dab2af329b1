#include <catch2/catch.hpp>

#include "blas_kernels_choice.hpp"
#include "latpred/blas_kernels.hpp"

namespace {

// The test binary runs on the kernels latpred would choose (before Catch's main: nothing else has started yet).
[[maybe_unused]] const bool kNativeKernels = (latpred::use_native_blas_kernels(), true);

}  // namespace

TEST_CASE("an SSE-era OpenBLAS fallback is replaced by the CPU's own kernel family", "[blas]") {
  CHECK(latpred::kernel_override("Prescott", "SkylakeX") == "SkylakeX");
  CHECK(latpred::kernel_override("prescott", "Haswell") == "Haswell");
  CHECK(latpred::kernel_override("Nehalem", "Haswell") == "Haswell");
  CHECK(latpred::kernel_override("Core2", "SkylakeX") == "SkylakeX");
  // OpenBLAS's own choice of a modern family stands, and so does a fallback on a CPU with nothing better.
  CHECK(latpred::kernel_override("Haswell", "SkylakeX").empty());
  CHECK(latpred::kernel_override("Zen", "SkylakeX").empty());
  CHECK(latpred::kernel_override("SkylakeX", "SkylakeX").empty());
  CHECK(latpred::kernel_override("Prescott", "").empty());
}
