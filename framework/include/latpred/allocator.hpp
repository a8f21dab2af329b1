// Process-wide allocator settings for tensor workloads.
#pragma once

#include "latpred/export.hpp"

namespace latpred {

// glibc returns every freed block above 128 KiB to the kernel (mmap threshold) and trims the heap top, so a loop
// that allocates the same ~1 MB activations per batch page-faults them in again each time: 14% of the time of
// predicting all NB201 archs went to the kernel's page clearing. Raising the mmap threshold to its 32 MiB maximum
// and the trim threshold to 512 MiB keeps that memory in the process. bench_predict CPU time: 15-30% less on the
// loaded 2-core machine (dgf 1.94 -> 1.33 s, ensemble 3.75 -> 3.18 s); on the idle machine within run-to-run noise
// (dgf 1.33 s vs 1.16-1.49 s).
// A no-op on other C libraries, and for each setting the user chose through MALLOC_*_ environment variables.
// Call once at program start, before tensors are allocated.
LATPRED_API void tune_allocator_for_tensors();

}  // namespace latpred
