// Conformance suite: every model and devicerep plugin in the build tree must be constructible from its defaults,
// build, run forward on batch 1 and on a batch, be deterministic under a seed, and round-trip its weights.
#include "catch_torch.hpp"

#include <ATen/ATen.h>
#include <torch/serialize/archive.h>

#include <sstream>

#include "latpred/devicerep.hpp"
#include "latpred/model.hpp"
#include "support.hpp"

namespace {

latpred::Dataset tiny_dataset() {
  latpred::Dataset data(latpred::make_nb201_space(), {{3, 3, 3, 3, 3, 3}, {1, 2, 0, 4, 3, 1}, {2, 2, 2, 2, 2, 2}});
  data.add_device({"dev_a", latpred::DeviceType::GPU, 1, "test"}, {1.0f, 2.0f, 3.0f});
  data.add_device({"dev_b", latpred::DeviceType::CPU, 1, "test"}, {3.0f, 1.0f, 2.0f});
  return data;
}

// A random batch of graph inputs with a device vector of width d.
latpred::ModelInput random_input(int64_t batch, int64_t v, int64_t labels, int64_t vec_dim, int64_t d) {
  latpred::ModelInput in;
  in.adj = (at::rand({batch, v, v}) > 0.6).to(at::kFloat).triu(1);
  in.ops = at::randint(labels, {batch, v}, at::kLong);
  if (vec_dim > 0) in.vec = at::randn({batch, vec_dim});
  in.device = at::randn({batch, d});
  return in;
}

std::string serialize(torch::nn::Module& module) {
  torch::serialize::OutputArchive archive;
  module.save(archive);
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

void deserialize(torch::nn::Module& module, const std::string& bytes) {
  torch::serialize::InputArchive archive;
  std::istringstream in(bytes);
  archive.load_from(in);
  module.load(archive);
}

bool rejects_shape(const latpred::Registry& registry, const std::string& type, const latpred::Params& params,
                   const latpred::ModelShape& shape) {
  try {
    registry.create<latpred::Model>(type, params)->build(shape);
    return false;
  } catch (const latpred::ConfigError&) {
    return true;
  }
}

}  // namespace

TEST_CASE("every model plugin conforms", "[conformance][model]") {
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  const auto types = registry.types("model");
  REQUIRE_FALSE(types.empty());
  for (const std::string& type : types) {
    DYNAMIC_SECTION("model " << type) {
      const latpred::ComponentSpec& spec = registry.get("model", type);
      const latpred::Params params = latpred::default_params(spec.schema);
      for (int64_t vec_dim : {int64_t{0}, int64_t{13}}) {
        const latpred::ModelShape shape{8, 7, vec_dim, 8};
        // A model without a flat encoding may refuse to build (mlp) - with a ConfigError, never anything else.
        if (vec_dim == 0 && rejects_shape(registry, type, params, shape)) continue;
        auto make = [&] {
          auto m = registry.create<latpred::Model>(type, params);
          m->build(shape);
          m->eval();
          return m;
        };
        at::manual_seed(11);
        auto model = make();
        at::manual_seed(11);
        auto twin = make();
        at::manual_seed(5);
        const latpred::ModelInput one = random_input(1, 8, 7, vec_dim, 8);
        const latpred::ModelInput many = random_input(6, 8, 7, vec_dim, 8);
        const at::Tensor y1 = model->forward(one);
        const at::Tensor y6 = model->forward(many);
        CHECK(y1.sizes() == at::IntArrayRef{1});
        CHECK(y6.sizes() == at::IntArrayRef{6});
        CHECK(at::isfinite(y6).all().item<bool>());
        CHECK(at::equal(y6, twin->forward(many)));  // same seed, same weights, same output
        // Batch independence in eval mode: sample 0 alone scores as within the batch.
        latpred::ModelInput first{many.adj.slice(0, 0, 1), many.ops.slice(0, 0, 1),
                                  vec_dim ? many.vec.slice(0, 0, 1) : at::Tensor(), many.device.slice(0, 0, 1)};
        CHECK(at::allclose(model->forward(first), y6.slice(0, 0, 1), 1e-5, 1e-6));
        // Save / load round trip into a differently initialised model.
        at::manual_seed(12);
        auto other = make();
        CHECK_FALSE(at::equal(other->forward(many), y6));
        deserialize(*other, serialize(*model));
        CHECK(at::equal(other->forward(many), y6));
      }
    }
  }
}

TEST_CASE("every devicerep plugin conforms", "[conformance][devicerep]") {
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  const auto types = registry.types("devicerep");
  REQUIRE_FALSE(types.empty());
  const latpred::Dataset data = tiny_dataset();
  for (const std::string& type : types) {
    DYNAMIC_SECTION("devicerep " << type) {
      const latpred::Params params = latpred::default_params(registry.get("devicerep", type).schema);
      auto make = [&] {
        auto rep = registry.create<latpred::DeviceRep>(type, params);
        rep->prepare(latpred::DeviceContext{&data, {0}, {1}});
        return rep;
      };
      at::manual_seed(3);
      auto rep = make();
      at::manual_seed(3);
      auto twin = make();
      const at::Tensor devices = at::tensor(std::vector<int64_t>{0, 1, 1}, at::kLong);
      const at::Tensor out = rep->forward(devices);
      CHECK(out.sizes() == at::IntArrayRef{3, rep->dim()});
      CHECK(at::equal(out, twin->forward(devices)));
      CHECK(at::equal(out[1], out[2]));  // a device has one representation
      CHECK(rep->forward(devices.slice(0, 0, 1)).sizes() == at::IntArrayRef{1, rep->dim()});
      rep->begin_transfer(latpred::TransferContext{&data, 1, {0}, {0, 1, 2}});
      at::manual_seed(4);
      auto other = make();
      deserialize(*other, serialize(*rep));
      CHECK(at::equal(other->forward(devices), rep->forward(devices)));
    }
  }
}

TEST_CASE("most_correlated_source copies the best-correlated source row", "[devicerep]") {
  const latpred::Registry& registry = latpred::test::build_plugins().registry();
  latpred::Dataset data(latpred::make_nb201_space(),
                        {{3, 3, 3, 3, 3, 3}, {1, 2, 0, 4, 3, 1}, {2, 2, 2, 2, 2, 2}, {4, 4, 4, 4, 4, 4}});
  data.add_device({"anti", latpred::DeviceType::GPU, 1, "test"}, {4, 3, 2, 1});
  data.add_device({"same", latpred::DeviceType::GPU, 1, "test"}, {1, 2, 3, 5});
  data.add_device({"tied", latpred::DeviceType::mCPU, 1, "test"}, {2, 2, 2, 2});  // Spearman NaN: never chosen
  data.add_device({"target", latpred::DeviceType::CPU, 1, "test"}, {10, 20, 30, 40});
  latpred::Params params = latpred::default_params(registry.get("devicerep", "learned_embedding").schema);
  params.set("transfer_init", std::string("most_correlated_source"));
  auto rep = registry.create<latpred::DeviceRep>("learned_embedding", params);
  rep->prepare(latpred::DeviceContext{&data, {2, 0, 1}, {3}});
  const at::Tensor ids = at::tensor(std::vector<int64_t>{1, 3}, at::kLong);
  CHECK_FALSE(at::equal(rep->forward(ids)[0], rep->forward(ids)[1]));
  rep->begin_transfer(latpred::TransferContext{&data, 3, {2, 0, 1}, {0, 1, 2, 3}});
  const at::Tensor after = rep->forward(ids);
  CHECK(at::equal(after[0], after[1]));  // target now carries the row of "same"
}
