// Shared by the study and runner tests: a registry of test components (schemas + trivial factories, no plugins),
// scratch directories and small file helpers.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <unistd.h>

#include "latpred/component.hpp"
#include "latpred/registry.hpp"
#include "latpred/study.hpp"

namespace study_test {

namespace fs = std::filesystem;

inline void add_component(latpred::Registry& registry, const std::string& kind, const std::string& type,
                          latpred::Schema schema) {
  latpred::ComponentSpec spec;
  spec.kind = kind;
  spec.type = type;
  spec.schema = std::move(schema);
  spec.create = [](const latpred::Params&) { return std::make_shared<latpred::Component>(); };
  spec.plugin = "test";
  registry.add(std::move(spec));
}

inline latpred::Registry test_registry() {
  using latpred::Schema;
  latpred::Registry registry;
  add_component(registry, "encoder", "onehot", Schema().integer("dim", 8, "width", 1, 1024));
  add_component(registry, "sampler", "random", Schema());
  add_component(registry, "sampler", "kmeans", Schema().integer("clusters", 4, "clusters", 1));
  add_component(registry, "devicerep", "embedding", Schema().integer("dim", 16, "embedding width", 1));
  add_component(registry, "model", "mlp",
                Schema()
                    .integer("hidden", 64, "hidden width", 1, 4096)
                    .real("dropout", 0.0, "dropout", 0.0, 1.0)
                    .choice("activation", "relu", {"relu", "gelu"}, "activation"));
  add_component(registry, "model", "gat",
                Schema().integer("hidden", 64, "hidden width", 1, 4096).integer("heads", 4, "attention heads", 1, 16));
  return registry;
}

// A fresh, empty directory under the system temp dir, unique per process and name; removed when the test ends.
struct ScratchDir {
  explicit ScratchDir(const std::string& name)
      : path(fs::temp_directory_path() / ("latpred_test_" + std::to_string(::getpid()) + "_" + name)) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path path;
};

inline fs::path write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
  return file;
}

inline std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The config tables every test study needs; tests append [study], [sweep] or change tables.
inline const char* const kBaseTables = R"(
[task]
name = "tiny"
space = "nb201"
train = ["dev_a", "dev_b"]
test = ["dev_c"]

[encoder]
type = "onehot"

[sampler]
type = "random"

[devicerep]
type = "embedding"

[model]
type = "mlp"
hidden = 32
)";

// A study over base.toml (kBaseTables): train.epochs 1, 2 x seeds 1, 2, 3 = 6 runs, k = 5, 10.
inline std::string sweep_study_text(const std::string& name) {
  return R"(include = ["base.toml"]
[study]
name = ")" +
         name + R"("
seeds = [1, 2, 3]
[transfer]
k = [5, 10]
[[sweep.axes]]
key = "train.epochs"
values = [1, 2]
)";
}

inline latpred::StudyOptions options_in(const fs::path& dir) {
  latpred::StudyOptions options;
  options.tasks_dir = dir;
  options.output = (dir / "out").string();
  return options;
}

}  // namespace study_test
