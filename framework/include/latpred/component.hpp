// The common base of every pluggable component, and the kinds the kernel knows.
#pragma once

#include <string>

#include "latpred/export.hpp"

namespace latpred {

// Base of Encoder, Sampler, DeviceRep and Model. Its key function lives in liblatpred, so typeinfo is shared by
// host and plugins and dynamic_pointer_cast works across the .so boundary.
class LATPRED_API Component {
 public:
  virtual ~Component();
};

namespace kind {
inline constexpr const char* kEncoder = "encoder";
inline constexpr const char* kSampler = "sampler";
inline constexpr const char* kDeviceRep = "devicerep";
inline constexpr const char* kModel = "model";
}  // namespace kind

}  // namespace latpred
