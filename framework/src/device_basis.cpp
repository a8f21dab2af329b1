#include "device_basis.hpp"

#include <ATen/ATen.h>

#include <numeric>
#include <stdexcept>

#include "linear_expert.hpp"

namespace latpred {

at::Tensor device_basis(const Dataset& data, const at::Tensor& position_features, const std::vector<int>& train_devices,
                        const std::vector<int64_t>& source_archs, double ridge) {
  if (source_archs.empty()) {
    throw std::invalid_argument("the device basis is fitted on the source archs, and there are none");
  }
  LinearExpert model(position_features);
  std::vector<int64_t> every_arch(static_cast<std::size_t>(data.num_archs()));
  std::iota(every_arch.begin(), every_arch.end(), int64_t{0});
  at::Tensor basis = at::empty({data.num_archs(), static_cast<int64_t>(train_devices.size())}, at::kFloat);
  for (std::size_t column = 0; column < train_devices.size(); ++column) {
    const std::vector<float>& latency = data.latency_ms(train_devices[column]);
    std::vector<float> source_latency;
    source_latency.reserve(source_archs.size());
    for (int64_t arch : source_archs) source_latency.push_back(latency[static_cast<std::size_t>(arch)]);
    model.fit(source_archs, source_latency, ridge);
    const std::vector<float> predicted = model.predict(every_arch);
    basis.select(1, static_cast<int64_t>(column)).copy_(at::tensor(predicted, at::kFloat));
  }
  return basis;
}

}  // namespace latpred
