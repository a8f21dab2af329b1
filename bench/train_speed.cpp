// Prints how fast a GNN predictor pretrains (examples per second with the standard pairwise-ranking fit) and, with
// PROFILE=1, which LibTorch operators take the time (self CPU time, forward and backward), so that training cost
// can be attacked where it is spent; PROFILE=shapes splits each operator by its input shapes.
// Usage: bench_train [data_dir] [space] [model type] [examples] [epochs] [batch] [model key=value ...]
//   e.g. bench_train "" fbnet ensemble 4000 2 128 'gnn_dims=[64,64,64]' 'op_update_dims=[64,64]' hidden=48
#include <ATen/ATen.h>
#include <toml++/toml.h>

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
#include "latpred/blas_kernels.hpp"
#include "latpred/dataset.hpp"
#include "latpred/devicerep.hpp"
#include "latpred/encoder.hpp"
#include "latpred/error.hpp"
#include "latpred/model.hpp"
#include "op_profile.hpp"
#include "predictor.hpp"

namespace {

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
  latpred::use_native_blas_kernels();  // may re-execute this process with faster OpenBLAS kernels
  try {
    latpred::tune_allocator_for_tensors();
    const std::string data_dir = latpred::resolve_data_dir(argc > 1 ? argv[1] : "").string();
    const std::string space = argc > 2 ? argv[2] : "nb201";
    const std::string type = argc > 3 ? argv[3] : "ensemble";
    const int64_t examples = argc > 4 ? std::atoll(argv[4]) : 4000;
    const int64_t epochs = argc > 5 ? std::atoll(argv[5]) : 2;
    const int64_t batch = argc > 6 ? std::atoll(argv[6]) : 128;
    const ProfileMode profile = profile_mode_from_env();

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
    std::printf(
        "train_speed: %s, model %s, %lld examples x %lld epochs, batch %lld, %lld parameters, OpenBLAS kernels %s\n",
        space.c_str(), type.c_str(), static_cast<long long>(examples), static_cast<long long>(epochs),
        static_cast<long long>(batch), static_cast<long long>(parameter_count(predictor)),
        latpred::openblas_kernels().c_str());
    start_operator_profile(profile);
    const auto start = std::chrono::steady_clock::now();
    latpred::fit(predictor, train, fit, rng);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double example_epochs = static_cast<double>(examples * epochs);
    std::printf("%.2f s: %.0f examples/s, %.3f ms per example-epoch\n", seconds, example_epochs / seconds,
                1000.0 * seconds / example_epochs);
    print_operator_profile(profile);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train: %s\n", e.what());
    return 1;
  }
  return 0;
}
