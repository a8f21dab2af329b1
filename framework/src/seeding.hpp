// Internal: independent, reproducible seeds for each random stream of an experiment, derived from the run seed
// and a stream name (so adding a stream never shifts the others).
#pragma once

#include <cstdint>
#include <string>

namespace latpred {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

inline uint64_t derive_seed(uint64_t seed, const std::string& stream, const std::string& device = "", int64_t k = 0) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the stream identity
  std::string identity = stream;
  identity += '\x1f';
  identity += device;
  for (char c : identity) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  return splitmix64(seed ^ splitmix64(h ^ static_cast<uint64_t>(k)));
}

}  // namespace latpred
