// Prints how fast a GNN predictor pretrains (examples per second with the standard pairwise-ranking fit) and, with
// PROFILE=1, which LibTorch operators take the time (self CPU time, forward and backward), so that training cost
// can be attacked where it is spent; PROFILE=shapes splits each operator by its input shapes.
// Usage: bench_train [data_dir] [space] [model type] [examples] [epochs] [batch] [model key=value ...]
//   e.g. bench_train "" fbnet ensemble 4000 2 128 'gnn_dims=[64,64,64]' 'op_update_dims=[64,64]' hidden=48
#include <ATen/ATen.h>
#include <toml++/toml.h>
#include <torch/csrc/autograd/profiler_legacy.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench_plugins.hpp"
#include "latpred/allocator.hpp"
#include "latpred/dataset.hpp"
#include "latpred/devicerep.hpp"
#include "latpred/encoder.hpp"
#include "latpred/error.hpp"
#include "latpred/model.hpp"
#include "predictor.hpp"

namespace {

namespace profiler = torch::autograd::profiler;

// Self time per operator name from the legacy profiler's push/pop events: a push opens a range on its thread, the
// matching pop closes it; a range's self time is its span minus its children's spans.
std::string shapes_text(const profiler::LegacyEvent& event) {
  std::string out;
  for (const auto& shape : event.shapes()) {
    out += out.empty() ? "[" : ", [";
    for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? "x" : "") + std::to_string(shape[i]);
    out += "]";
  }
  return out;
}

std::map<std::string, std::pair<double, int64_t>> self_times(const profiler::thread_event_lists& threads,
                                                             bool by_shape) {
  std::map<std::string, std::pair<double, int64_t>> out;
  for (const auto& events : threads) {
    struct Open {
      const profiler::LegacyEvent* event;
      double children_us;
    };
    std::vector<Open> stack;
    for (const auto& e : events) {
      if (e.kindStr() == "push") {
        stack.push_back({&e, 0.0});
      } else if (e.kindStr() == "pop" && !stack.empty()) {
        const Open open = stack.back();
        stack.pop_back();
        const double span = open.event->cpuElapsedUs(e);
        const std::string name = open.event->name();
        auto& entry = out[by_shape ? name + " " + shapes_text(*open.event) : name];
        entry.first += span - open.children_us;
        ++entry.second;
        if (!stack.empty()) stack.back().children_us += span;
      }
    }
  }
  return out;
}

int64_t parameter_count(latpred::Predictor& predictor) {
  int64_t n = 0;
  for (const auto& p : predictor.parameters()) n += p.numel();
  return n;
}

latpred::Params model_params(const latpred::Registry& registry, const std::string& type, int argc, char** argv) {
  std::string text;
  for (int i = 7; i < argc; ++i) text += std::string(argv[i]) + "\n";
  const toml::table table = toml::parse(std::string_view(text), std::string_view("command line"));
  return latpred::resolve_params(registry.get("model", type).schema, table, "model", "command line");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    latpred::tune_allocator_for_tensors();
    const std::string data_dir = latpred::resolve_data_dir(argc > 1 ? argv[1] : "").string();
    const std::string space = argc > 2 ? argv[2] : "nb201";
    const std::string type = argc > 3 ? argv[3] : "ensemble";
    const int64_t examples = argc > 4 ? std::atoll(argv[4]) : 4000;
    const int64_t epochs = argc > 5 ? std::atoll(argv[5]) : 2;
    const int64_t batch = argc > 6 ? std::atoll(argv[6]) : 128;
    const std::string profile_mode = std::getenv("PROFILE") ? std::getenv("PROFILE") : "";
    const bool profile = profile_mode == "1" || profile_mode == "shapes";

    latpred::PluginHost host;
    const latpred::Registry& registry = load_build_plugins(host);
    auto data = latpred::load_dataset(data_dir, space);
    latpred::Params encoder_params = latpred::default_params(registry.get("encoder", "adjacency_ops").schema);
    encoder_params.set("graph", std::string("full"));
    const latpred::ArchFeatures features =
        registry.create<latpred::Encoder>("adjacency_ops", encoder_params)->encode(*data);
    auto model = registry.create<latpred::Model>(type, model_params(registry, type, argc, argv));
    auto rep = registry.create<latpred::DeviceRep>(
        "learned_embedding", latpred::default_params(registry.get("devicerep", "learned_embedding").schema));
    rep->prepare(latpred::DeviceContext{data.get(), {0, 1}, {2}});
    model->build({features.adj.size(1), features.num_node_labels, 0, rep->dim()});
    latpred::Predictor predictor(model, rep, features);

    // Random (arch, device) examples on the two train devices, as pretraining sees them.
    std::mt19937_64 rng(7);
    const std::vector<std::vector<int64_t>> measured_on = {data->measured_archs(0), data->measured_archs(1)};
    std::vector<latpred::Example> train;
    for (int64_t i = 0; i < examples; ++i) {
      const int device = static_cast<int>(i % 2);
      const std::vector<int64_t>& measured = measured_on[static_cast<std::size_t>(device)];
      const int64_t arch = measured[rng() % measured.size()];
      train.push_back({arch, device, data->normalized(device)[arch]});
    }
    latpred::FitOptions fit;
    fit.epochs = epochs;
    fit.batch_size = batch;
    std::printf("train_speed: %s, model %s, %lld examples x %lld epochs, batch %lld, %lld parameters\n", space.c_str(),
                type.c_str(), static_cast<long long>(examples), static_cast<long long>(epochs),
                static_cast<long long>(batch), static_cast<long long>(parameter_count(predictor)));
    if (profile) {
      profiler::enableProfilerLegacy(profiler::ProfilerConfig(profiler::ProfilerState::CPU, profile_mode == "shapes"));
    }
    const auto start = std::chrono::steady_clock::now();
    latpred::fit(predictor, train, fit, rng);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double example_epochs = static_cast<double>(examples * epochs);
    std::printf("%.2f s: %.0f examples/s, %.3f ms per example-epoch\n", seconds, example_epochs / seconds,
                1000.0 * seconds / example_epochs);
    if (profile) {
      const auto times = self_times(profiler::disableProfilerLegacy(), profile_mode == "shapes");
      std::vector<std::pair<std::string, std::pair<double, int64_t>>> sorted(times.begin(), times.end());
      std::sort(sorted.begin(), sorted.end(),
                [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
      double total = 0.0;
      for (const auto& entry : sorted) total += entry.second.first;
      std::printf("\n| operator | self ms | share | calls |\n|---|---|---|---|\n");
      for (std::size_t i = 0; i < std::min<std::size_t>(25, sorted.size()); ++i) {
        const auto& [name, value] = sorted[i];
        std::printf("| %s | %.1f | %.1f%% | %lld |\n", name.c_str(), value.first / 1000.0, 100.0 * value.first / total,
                    static_cast<long long>(value.second));
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train: %s\n", e.what());
    return 1;
  }
  return 0;
}
