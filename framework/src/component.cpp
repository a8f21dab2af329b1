// Out-of-line key functions: the vtables and typeinfo of the component interfaces live in liblatpred only, so
// plugins and host agree on them (dynamic_pointer_cast across the .so boundary).
#include "latpred/component.hpp"

#include "latpred/devicerep.hpp"
#include "latpred/encoder.hpp"
#include "latpred/model.hpp"
#include "latpred/sampler.hpp"
#include "latpred/search_space.hpp"

namespace latpred {

Component::~Component() = default;
Encoder::~Encoder() = default;
Sampler::~Sampler() = default;
DeviceRep::~DeviceRep() = default;
Model::~Model() = default;
SearchSpace::~SearchSpace() = default;

}  // namespace latpred
