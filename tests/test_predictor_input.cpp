// Predictor::input: gathered features per arch, with a graph shared by every arch passed as one expanded matrix.
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include "gnn_predictor.hpp"
#include "latpred/devicerep.hpp"
#include "latpred/predictor.hpp"

namespace {

// The device index itself as a 1-d vector: enough to run a model.
class IndexDeviceRep : public latpred::DeviceRep {
 public:
  void prepare(const latpred::DeviceContext&) override {}
  int64_t dim() const override { return 1; }
  at::Tensor forward(const at::Tensor& device) override { return device.to(at::kFloat).unsqueeze(1); }
};

// Four archs of a 3-node chain 0 -> 1 -> 2 with different ops; `vary` adds the edge 0 -> 2 to arch 2 only.
latpred::ArchFeatures chain_features(bool vary) {
  latpred::ArchFeatures f;
  f.adj = at::zeros({4, 3, 3});
  f.adj.select(2, 1).select(1, 0).fill_(1);
  f.adj.select(2, 2).select(1, 1).fill_(1);
  if (vary) f.adj[2][0][2] = 1;
  f.ops = at::tensor(std::vector<int64_t>{0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 1, 0}, at::kLong).view({4, 3});
  f.num_node_labels = 4;
  return f;
}

std::shared_ptr<latpred::Model> ensemble_model() {
  latpred::gnn::PredictorOptions options;
  options.layer.type = "ensemble";
  at::manual_seed(5);
  auto model = std::make_shared<latpred::gnn::GnnPredictor>(options);
  model->build(latpred::ModelShape{3, 4, 0, 1});
  return model;
}

}  // namespace

TEST_CASE("a graph shared by all archs reaches the model as one expanded matrix, with the same scores", "[predictor]") {
  const latpred::ArchFeatures shared = chain_features(false), varied = chain_features(true);
  const auto model = ensemble_model();
  latpred::Predictor fast(model, std::make_shared<IndexDeviceRep>(), shared);
  latpred::Predictor gathered(model, std::make_shared<IndexDeviceRep>(), varied);
  const at::Tensor archs = at::tensor(std::vector<int64_t>{3, 0, 1}, at::kLong);
  const at::Tensor devices = at::zeros({3}, at::kLong);

  const at::Tensor adj = fast.input(archs, devices).adj;
  CHECK(adj.stride(0) == 0);
  CHECK(at::equal(adj, shared.adj.index_select(0, archs)));
  // Archs 3, 0, 1 have the same graph in both feature sets: the shared path must score them as the gathered one.
  const at::Tensor gathered_adj = gathered.input(archs, devices).adj;
  CHECK(gathered_adj.stride(0) != 0);
  CHECK(at::equal(gathered_adj, adj));
  fast.eval();  // no dropout (the model is shared)
  CHECK(at::allclose(fast.forward(archs, devices), gathered.forward(archs, devices), 1e-5, 1e-6));
  const std::vector<int64_t> all{0, 1, 3};
  const std::vector<float> a = fast.predict(all, 0), b = gathered.predict(all, 0);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(a[i] == Approx(b[i]).margin(1e-5));
}

TEST_CASE("without autograd, one device for the whole batch reaches the model as one expanded row", "[predictor]") {
  const latpred::ArchFeatures features = chain_features(false);  // the predictor keeps a reference
  latpred::Predictor predictor(ensemble_model(), std::make_shared<IndexDeviceRep>(), features);
  const at::Tensor archs = at::tensor(std::vector<int64_t>{0, 1, 2}, at::kLong);
  const at::Tensor one = at::full({3}, 2, at::kLong), mixed = at::tensor(std::vector<int64_t>{2, 2, 1}, at::kLong);
  CHECK(predictor.input(archs, one).device.stride(0) != 0);  // autograd on: every row computed (training)
  at::NoGradGuard no_grad;
  const at::Tensor device = predictor.input(archs, one).device;
  CHECK(device.stride(0) == 0);
  CHECK(at::equal(device, at::full({3, 1}, 2.0)));
  CHECK(predictor.input(archs, mixed).device.stride(0) != 0);
}

TEST_CASE("predicting on several threads gives the scores of one thread", "[predictor]") {
  const latpred::ArchFeatures features = chain_features(true);
  latpred::Predictor predictor(ensemble_model(), std::make_shared<IndexDeviceRep>(), features);
  std::vector<int64_t> archs(11);
  for (std::size_t i = 0; i < archs.size(); ++i) archs[i] = static_cast<int64_t>(i % 4);
  const std::vector<float> one = predictor.predict(archs, 1, /*chunk=*/2, 1);
  CHECK(predictor.predict(archs, 1, 2, 3) == one);
  CHECK(predictor.predict(archs, 1, 2, 64) == one);  // more threads than chunks
  // One chunk: the same on 1 or 2 threads; close to the 2-arch chunks (GEMM blocking may differ in the last bit).
  const std::vector<float> single = predictor.predict(archs, 1, 64, 1);
  CHECK(predictor.predict(archs, 1, 64, 2) == single);
  for (std::size_t i = 0; i < archs.size(); ++i) CHECK(single[i] == Approx(one[i]).margin(1e-6));
  CHECK(one[0] == one[4]);  // same arch, same score
  CHECK(one[0] != one[1]);
}
