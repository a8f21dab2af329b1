// OpenBLAS kernel selection on CPUs newer than the installed OpenBLAS.
#pragma once

#include <string>

#include "latpred/export.hpp"

namespace latpred {

// OpenBLAS picks its kernels from the CPU's model number when it is loaded. A CPU newer than the OpenBLAS build
// (Debian bookworm's 0.3.21 on a model-207 Xeon, for one) gets the SSE3 "Prescott" kernels although it has AVX-512:
// predicting every NB201 arch took 2.65 s there instead of 1.07 s with the SkylakeX kernels.
// When OpenBLAS fell back to such an SSE-era kernel on a CPU with AVX2 or AVX-512, this re-executes the process
// with OPENBLAS_CORETYPE naming the matching family (OpenBLAS reads it only at load time), so the call returns only
// when nothing needed changing: OPENBLAS_CORETYPE already set, a BLAS other than OpenBLAS, a kernel that is no
// fallback, or a re-execution that failed. Call first thing in main(), before any thread starts.
LATPRED_API void use_native_blas_kernels();

// After such a re-execution, what was done, for the log ("OpenBLAS took this CPU for Prescott; using SkylakeX
// kernels (OPENBLAS_CORETYPE=SkylakeX; set it to choose others)"); empty otherwise.
LATPRED_API std::string blas_kernel_note();

// The kernel family OpenBLAS runs on ("SkylakeX", "Prescott", ...); empty when the BLAS is not OpenBLAS.
LATPRED_API std::string openblas_kernels();

}  // namespace latpred
