// Device names -> device type and batch size, following the vocabulary of NASFLAT_METHOD §1.1.
#include <charconv>
#include <string>
#include <utility>

#include "latpred/dataset.hpp"

namespace latpred {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// HELP GPU names are <gpu>_<batch>; returns the batch, or 0 when `name` is not of that form.
int help_gpu_batch(const std::string& name) {
  static const char* const kGpus[] = {"1080ti", "2080ti", "titan_rtx", "titanx", "titanxp", "titan_xp", "v100"};
  for (const char* gpu : kGpus) {
    const std::string prefix = std::string(gpu) + "_";
    if (!starts_with(name, prefix) || name.size() == prefix.size()) continue;
    int batch = 0;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size();
    const auto [end, ec] = std::from_chars(first, last, batch);
    if (ec == std::errc() && end == last && batch > 0) return batch;
  }
  return 0;
}

}  // namespace

std::string to_string(DeviceType type) {
  switch (type) {
    case DeviceType::GPU:
      return "GPU";
    case DeviceType::CPU:
      return "CPU";
    case DeviceType::mCPU:
      return "mCPU";
    case DeviceType::eCPU:
      return "eCPU";
    case DeviceType::eGPU:
      return "eGPU";
    case DeviceType::eTPU:
      return "eTPU";
    case DeviceType::mGPU:
      return "mGPU";
    case DeviceType::DSP:
      return "DSP";
    case DeviceType::ASIC:
      return "ASIC";
    case DeviceType::FPGA:
      return "FPGA";
    case DeviceType::Other:
      return "Other";
  }
  return "Other";
}

DeviceInfo classify_device(const std::string& name, const std::string& source) {
  DeviceInfo info;
  info.name = name;
  info.source = source;
  if (const int batch = help_gpu_batch(name)) {
    info.type = DeviceType::GPU;
    info.batch_size = batch;
    return info;
  }
  // Eagle / BRP-NAS names: <class>_<chip>_..._<precision>.
  static const std::pair<const char*, DeviceType> kPrefixes[] = {
      {"desktop_cpu", DeviceType::CPU},   {"desktop_gpu", DeviceType::GPU}, {"embedded_gpu", DeviceType::eGPU},
      {"embedded_tpu", DeviceType::eTPU}, {"mobile_cpu", DeviceType::mCPU}, {"mobile_gpu", DeviceType::mGPU},
      {"mobile_dsp", DeviceType::DSP},    {"gold_", DeviceType::CPU},       {"silver_", DeviceType::CPU},
      {"pixel", DeviceType::mCPU},        {"samsung_", DeviceType::mCPU},   {"essential_ph", DeviceType::mCPU},
      {"raspi", DeviceType::eCPU},        {"eyeriss", DeviceType::ASIC},    {"fpga", DeviceType::FPGA},
      {"cpu_", DeviceType::CPU},  // latpred measure's default prefix: cpu_b<batch>_t<threads>
  };
  for (const auto& [prefix, type] : kPrefixes) {
    if (starts_with(name, prefix)) {
      info.type = type;
      return info;
    }
  }
  return info;  // Other: e.g. the NASFLAT pseudo-devices flops_/params_/nwot_nb201_cifar10
}

}  // namespace latpred
