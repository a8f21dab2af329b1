// DeviceRep plugin "onehot": the device vector is the one-hot of its dataset index. No parameters: an unseen target
// device is a direction the pretrained model never saw, so everything it learns about it comes from fine-tuning.
#include <ATen/ATen.h>

#include "latpred/devicerep.hpp"
#include "latpred/plugin.hpp"

namespace {

class OneHotDevice : public latpred::DeviceRep {
 public:
  void prepare(const latpred::DeviceContext& context) override {
    // A buffer, so it is saved with the weights and the dimension is fixed by the dataset.
    identity_ = register_buffer("identity", at::eye(context.data->num_devices(), at::kFloat));
  }
  int64_t dim() const override { return identity_.defined() ? identity_.size(0) : 0; }
  at::Tensor forward(const at::Tensor& device) override { return identity_.index_select(0, device); }

 private:
  at::Tensor identity_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::DeviceRep>(
      "onehot",
      "One-hot of the device over all devices of the dataset (dim = number of devices, known after prepare). "
      "No learnable parameters.",
      latpred::Schema(), [](const latpred::Params&) { return std::make_shared<OneHotDevice>(); });
}

}  // namespace

LATPRED_PLUGIN("onehot_devicerep", "1.0", register_components)
