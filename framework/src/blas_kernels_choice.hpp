// The decision of use_native_blas_kernels, apart from the CPU and the process, for tests.
#pragma once

#include <string>

#include "latpred/export.hpp"

namespace latpred {

// The OPENBLAS_CORETYPE to run with, given the kernel family OpenBLAS detected and the best family the CPU's
// instruction sets allow: that family when the detected one is an SSE-era fallback, else "" (keep OpenBLAS's choice).
LATPRED_API std::string kernel_override(std::string detected, const std::string& native_family);

}  // namespace latpred
