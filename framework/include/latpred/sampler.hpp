// Sampler: chooses which architectures to measure (the k transfer samples, or the source samples).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "latpred/component.hpp"
#include "latpred/dataset.hpp"
#include "latpred/encoder.hpp"

namespace latpred {

struct SampleRequest {
  const Dataset* data = nullptr;
  const ArchFeatures* features = nullptr;  // of [sampler_features], else the study's encoder (.vec may be undefined)
  std::vector<int64_t> candidates;         // eligible archs (measured on the device), ascending
  int64_t k = 0;
  int device = -1;    // the device the samples are for (oracle samplers may read its latency); -1 = none
  uint64_t seed = 0;  // every sampler is deterministic given the seed
};
// Samplers that read side tables (e.g. accuracies) find them in data->data_dir().

class LATPRED_API Sampler : public Component {
 public:
  static constexpr const char* kKind = kind::kSampler;
  ~Sampler() override;
  // Returns k distinct members of request.candidates. Throws Error when k > candidates.
  virtual std::vector<int64_t> select(const SampleRequest& request) = 0;
};

}  // namespace latpred
