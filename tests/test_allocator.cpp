// tune_allocator_for_tensors: large blocks come from the heap, so freeing them keeps the memory in the process.
// 24 MiB: under the tuned 32 MiB threshold and above what glibc's default (128 KiB, raised only by an earlier free
// of a larger mapped block, which a fresh ctest process has not done) keeps on the heap.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>

#include "latpred/allocator.hpp"

#if defined(__GLIBC__)
#include <malloc.h>

TEST_CASE("allocator: 24 MiB blocks come from the heap after tuning, not from mmap", "[allocator]") {
  if (std::getenv("MALLOC_MMAP_THRESHOLD_")) {
    WARN("not checked: the user's MALLOC_MMAP_THRESHOLD_ takes precedence");
    return;
  }
  constexpr std::size_t kBlock = 24u << 20;
  latpred::tune_allocator_for_tensors();
  const std::size_t mapped_before = mallinfo2().hblks;
  void* block = std::malloc(kBlock);
  REQUIRE(block != nullptr);
  std::memset(block, 1, kBlock);
  CHECK(mallinfo2().hblks == mapped_before);
  std::free(block);
}
#endif
