// DeviceRep: how a hardware device is represented to the predictor (a learnable embedding, reference latencies, ...).
// It is a torch module trained together with the model; the model decides where the vector enters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>

#include "latpred/component.hpp"
#include "latpred/dataset.hpp"

namespace latpred {

struct DeviceContext {
  const Dataset* data = nullptr;
  std::vector<int> train_devices;  // dataset device indices
  std::vector<int> test_devices;
  // The study's data directory, for reps that read side files ("" = resolve_data_dir's default). The initialiser
  // keeps three-member aggregate initialisations warning-free.
  std::string data_dir = {};
};

// What the device rep may use when transfer to a target device starts: the k transfer archs, measured on target.
struct TransferContext {
  const Dataset* data = nullptr;
  int target = -1;
  std::vector<int> train_devices;
  std::vector<int64_t> transfer_archs;
};

class LATPRED_API DeviceRep : public Component, public torch::nn::Module {
 public:
  static constexpr const char* kKind = kind::kDeviceRep;
  ~DeviceRep() override;
  // Creates the parameters for the devices of a study (called once, before the optimiser is built).
  virtual void prepare(const DeviceContext& context) = 0;
  virtual int64_t dim() const = 0;
  // device: B int64 dataset device indices -> B x dim().
  virtual at::Tensor forward(const at::Tensor& device) = 0;
  // Called after the pretrained weights are restored and before fine-tuning on a target device.
  virtual void begin_transfer(const TransferContext& context) { (void)context; }
};

}  // namespace latpred
