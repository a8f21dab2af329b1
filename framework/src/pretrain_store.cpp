// Pretrained states on disk: a small self-describing binary file (header line, identity, rows, raw tensors), not a
// torch archive: the kernel stays off the serialization headers, and a float is stored bit for bit.
#include "pretrain_store.hpp"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cstring>
#include <mutex>

#include "latpred/error.hpp"
#include "latpred/runner.hpp"
#include "latpred/study.hpp"
#include "runner_internal.hpp"

namespace fs = std::filesystem;

namespace latpred {
namespace {

constexpr const char* kMagic = "latpred pretrained state v1\n";

class Writer {
 public:
  template <typename T>
  void scalar(T value) {
    out_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void text(const std::string& value) {
    scalar<uint64_t>(value.size());
    out_ += value;
  }
  void tensor(const at::Tensor& value) {
    const at::Tensor dense = value.detach().contiguous().cpu();
    scalar<int8_t>(static_cast<int8_t>(dense.scalar_type()));
    scalar<uint64_t>(static_cast<uint64_t>(dense.dim()));
    for (const int64_t size : dense.sizes()) scalar<int64_t>(size);
    scalar<uint64_t>(dense.nbytes());
    out_.append(static_cast<const char*>(dense.data_ptr()), dense.nbytes());
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string bytes, fs::path file) : in_(std::move(bytes)), file_(std::move(file)) {}
  template <typename T>
  T scalar(const char* what) {
    T value;
    std::memcpy(&value, take(sizeof value, what), sizeof value);
    return value;
  }
  std::string text(const char* what) {
    const auto size = scalar<uint64_t>(what);
    return {take(size, what), size};
  }
  at::Tensor tensor() {
    const auto type = scalar<int8_t>("tensor type");
    if (type < 0 || type >= static_cast<int8_t>(at::ScalarType::NumOptions)) fail("an unknown tensor type");
    const auto dims = scalar<uint64_t>("tensor rank");
    if (dims > 16) fail("a tensor of rank " + std::to_string(dims));
    std::vector<int64_t> sizes;
    for (uint64_t d = 0; d < dims; ++d) {
      sizes.push_back(scalar<int64_t>("tensor size"));
      if (sizes.back() < 0) fail("a negative tensor size");
    }
    const auto bytes = scalar<uint64_t>("tensor byte count");
    if (bytes > in_.size() - at_) fail("truncated in the tensor data");
    at::Tensor out;
    try {
      out = at::empty(sizes, at::TensorOptions().dtype(static_cast<at::ScalarType>(type)));
    } catch (const c10::Error&) {
      fail("a tensor LibTorch cannot allocate (type " + std::to_string(type) + ")");
    }
    if (out.nbytes() != bytes) fail("a tensor whose byte count does not match its shape");
    std::memcpy(out.data_ptr(), take(bytes, "tensor data"), bytes);
    return out;
  }
  bool done() const { return at_ == in_.size(); }
  [[noreturn]] void fail(const std::string& what) const {
    throw DataError(file_.string(), 0, "not a valid pretrained state: " + what + "; delete the file to pretrain again");
  }

 private:
  const char* take(std::size_t size, const char* what) {
    if (size > in_.size() - at_) fail(std::string("truncated in the ") + what);
    const char* out = in_.data() + at_;
    at_ += size;
    return out;
  }
  std::string in_;
  fs::path file_;
  std::size_t at_ = 0;
};

}  // namespace

at::Tensor default_generator_state() {
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  const std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void set_default_generator_state(const at::Tensor& state, const fs::path& file) {
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  const std::lock_guard<std::mutex> lock(generator.mutex());
  try {
    generator.set_state(state);
  } catch (const c10::Error& e) {
    throw DataError(file.string(), 0, std::string("not a valid generator state: ") + e.what_without_backtrace());
  }
}

std::string store_identity(const ExperimentConfig& config) {
  return pretrain_identity(config) + "\n# data_dir " + config.data_dir + "\n";
}

fs::path pretrained_state_path(const fs::path& dir, const std::string& identity) {
  return dir / (run_key(identity) + ".state");
}

std::optional<PretrainedState> load_pretrained_state(const fs::path& file, const std::string& identity) {
  if (!fs::exists(file)) return std::nullopt;
  Reader in(detail::read_all(file), file);
  const std::string magic = kMagic;
  if (in.text("header") != magic) in.fail("unknown header");
  if (in.text("identity") != identity) in.fail("it was stored for another configuration (hash collision)");
  PretrainedState state;
  const auto rows = in.scalar<uint64_t>("row count");
  for (uint64_t i = 0; i < rows; ++i) {
    ResultRow row;
    row.task = in.text("row task");
    row.device = in.text("row device");
    row.metric = in.text("row metric");
    row.k = in.scalar<int64_t>("row k");
    row.seed = in.scalar<uint64_t>("row seed");
    row.value = in.scalar<double>("row value");
    state.rows.push_back(std::move(row));
  }
  const auto tensors = in.scalar<uint64_t>("tensor count");
  for (uint64_t i = 0; i < tensors; ++i) state.weights.push_back(in.tensor());
  state.generator = in.tensor();
  if (!in.done()) in.fail("trailing bytes after the generator state");
  return state;
}

void store_pretrained_state(const fs::path& file, const std::string& identity, const PretrainedState& state) {
  Writer out;
  out.text(kMagic);
  out.text(identity);
  out.scalar<uint64_t>(state.rows.size());
  for (const ResultRow& row : state.rows) {
    out.text(row.task);
    out.text(row.device);
    out.text(row.metric);
    out.scalar<int64_t>(row.k);
    out.scalar<uint64_t>(row.seed);
    out.scalar<double>(row.value);
  }
  out.scalar<uint64_t>(state.weights.size());
  for (const at::Tensor& weight : state.weights) out.tensor(weight);
  out.tensor(state.generator);
  write_file_atomic(file, out.bytes());
}

}  // namespace latpred
