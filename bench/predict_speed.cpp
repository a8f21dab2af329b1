// Prints how long predicting every architecture of a space on one device takes, per model type
// (goal: all 15625 NB201 archs in under 0.5 s on the 2-core machine).
// Usage: bench_predict [data_dir] [space] [repeats] [chunk] [intra-op threads] [predict threads] [model types...]
// PROFILE=1 (or shapes) adds each model's self time per LibTorch operator over its repeats.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <numeric>

#include "bench_plugins.hpp"
#include "latpred/allocator.hpp"
#include "latpred/blas_kernels.hpp"
#include "latpred/dataset.hpp"
#include "latpred/devicerep.hpp"
#include "latpred/encoder.hpp"
#include "latpred/model.hpp"
#include "op_profile.hpp"
#include "predictor.hpp"

int main(int argc, char** argv) {
  latpred::use_native_blas_kernels();  // may re-execute this process with faster OpenBLAS kernels
  try {
    latpred::tune_allocator_for_tensors();
    const std::string data_dir = latpred::resolve_data_dir(argc > 1 ? argv[1] : "").string();
    const std::string space = argc > 2 ? argv[2] : "nb201";
    const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
    const int64_t chunk = argc > 4 ? std::atoll(argv[4]) : 256;  // Predictor::predict's default
    if (argc > 5) at::set_num_threads(std::atoi(argv[5]));
    const int predict_threads = argc > 6 ? std::atoi(argv[6]) : 1;  // Predictor::predict's chunk workers
    std::vector<std::string> types(argv + std::min(argc, 7), argv + argc);
    if (types.empty()) types = {"dgf", "gat", "ensemble"};
    const ProfileMode profile = profile_mode_from_env();
    latpred::PluginHost host;
    const latpred::Registry& registry = load_build_plugins(host);
    auto data = latpred::load_dataset(data_dir, space);
    auto encoder = registry.create<latpred::Encoder>(
        "adjacency_ops", latpred::default_params(registry.get("encoder", "adjacency_ops").schema));
    const latpred::ArchFeatures features = encoder->encode(*data);
    std::vector<int64_t> archs(static_cast<std::size_t>(data->num_archs()));
    std::iota(archs.begin(), archs.end(), int64_t{0});
    std::printf(
        "predict_speed: %s, %lld archs, chunk %lld, intra-op threads %d, predict threads %d, OpenBLAS kernels %s, "
        "median of %d\n",
        space.c_str(), static_cast<long long>(archs.size()), static_cast<long long>(chunk), at::get_num_threads(),
        predict_threads, latpred::openblas_kernels().c_str(), repeats);
    for (const std::string& type : types) {
      const latpred::Schema& schema = registry.get("model", type).schema;
      auto model = registry.create<latpred::Model>(type, latpred::default_params(schema));
      auto rep = registry.create<latpred::DeviceRep>(
          "learned_embedding", latpred::default_params(registry.get("devicerep", "learned_embedding").schema));
      rep->prepare(latpred::DeviceContext{data.get(), {0}, {1}});
      latpred::ModelShape shape{features.adj.size(1), features.num_node_labels, 0, rep->dim()};
      model->build(shape);
      latpred::Predictor predictor(model, rep, features);
      std::vector<double> times, cpu;
      start_operator_profile(profile);
      for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        const std::clock_t cpu_start = std::clock();
        predictor.predict(archs, 0, chunk, predict_threads);
        cpu.push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
        times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      }
      std::sort(times.begin(), times.end());
      std::sort(cpu.begin(), cpu.end());
      const double median = times[times.size() / 2];
      std::printf("  %-9s wall %.3f s (%.0f archs/s; min %.3f, max %.3f)  cpu %.3f s\n", type.c_str(), median,
                  static_cast<double>(archs.size()) / median, times.front(), times.back(), cpu[cpu.size() / 2]);
      print_operator_profile(profile);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_predict: %s\n", e.what());
    return 1;
  }
  return 0;
}
