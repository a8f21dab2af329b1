// Graph layers of the NASFLAT predictor: attention masking, ensemble fusion and the fused inference kernels.
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <functional>
#include <vector>

#include "fused_inference.hpp"
#include "gnn_predictor.hpp"
#include "graph_layers.hpp"
#include "latpred/nn.hpp"
#include "row_kernels.hpp"

using latpred::gnn::DenseGraphFlow;
using latpred::gnn::EnsembleLayer;
using latpred::gnn::GraphAttention;

namespace {

// 4 nodes: 0 -> 1, 0 -> 2, 1 -> 3, 2 -> 3 (preds[i][l] = 1 when l -> i).
at::Tensor diamond_predecessors() {
  at::Tensor preds = at::zeros({1, 4, 4});
  preds[0][1][0] = preds[0][2][0] = preds[0][3][1] = preds[0][3][2] = 1;
  return preds;
}

// compute()'s output and every layer parameter's gradient (zeros where none reached it) after backpropagating the
// output weighted by weighting(0, 1, 2, ...): what two ways of computing the same output must agree on.
std::vector<at::Tensor> output_and_gradients(torch::nn::Module& layer, const std::function<at::Tensor()>& compute,
                                             at::Tensor (*weighting)(const at::Tensor&)) {
  layer.zero_grad();
  const at::Tensor out = compute();
  (out * weighting(at::arange(out.numel()).view(out.sizes()))).sum().backward();
  std::vector<at::Tensor> result{out.detach()};
  for (const auto& p : layer.parameters()) result.push_back(p.grad().defined() ? p.grad().clone() : at::zeros_like(p));
  return result;
}

void check_all_close(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(at::allclose(a[i], b[i], 1e-5, 1e-6));
}

}  // namespace

TEST_CASE("graph attention with masking only attends to predecessors", "[gnn]") {
  at::manual_seed(0);
  GraphAttention masked(6, 5, 3, /*mask_non_edges=*/true);
  at::manual_seed(0);
  GraphAttention reference(6, 5, 3, /*mask_non_edges=*/false);
  const at::Tensor preds = diamond_predecessors();
  const at::Tensor op = at::randn({1, 4, 3});
  const at::Tensor h = at::randn({1, 4, 6});
  // Change only node 3, which is no predecessor of node 1 or node 2.
  at::Tensor h2 = h.clone();
  h2[0][3] += 10.0;
  const at::Tensor a = masked.forward(h, preds, op), b = masked.forward(h2, preds, op);
  CHECK(at::allclose(a.select(1, 1), b.select(1, 1)));
  CHECK(at::allclose(a.select(1, 2), b.select(1, 2)));
  // Node 0 has no predecessors: it aggregates nothing, so LayerNorm sees zeros and returns its bias (0).
  CHECK(at::allclose(a.select(1, 0), at::zeros({1, 5})));
  // The reference lets non-edges into the softmax with logit 0: node 1 then depends on node 3.
  const at::Tensor c = reference.forward(h, preds, op), d = reference.forward(h2, preds, op);
  CHECK_FALSE(at::allclose(c.select(1, 1), d.select(1, 1)));
}

TEST_CASE("ensemble 'add' is the mean of its DGF and GAT parts", "[gnn]") {
  at::manual_seed(1);
  EnsembleLayer layer(6, 5, 3, true, "add");
  const at::Tensor preds = diamond_predecessors();
  const at::Tensor op = at::randn({1, 4, 3});
  const at::Tensor h = at::randn({1, 4, 6});
  auto children = layer.named_children();
  auto dgf = std::dynamic_pointer_cast<DenseGraphFlow>(children["dgf"]);
  auto gat = std::dynamic_pointer_cast<GraphAttention>(children["gat"]);
  REQUIRE(dgf);
  REQUIRE(gat);
  const at::Tensor expected = (dgf->forward(h, preds, op) + gat->forward(h, preds, op)) / 2;
  CHECK(at::allclose(layer.forward(h, preds, op), expected));
  CHECK_THROWS_WITH(EnsembleLayer(6, 5, 3, true, "max"), Catch::Contains("'add' or 'mlp'"));
}

TEST_CASE("dense graph flow sums gated predecessor messages plus a residual", "[gnn]") {
  at::manual_seed(2);
  DenseGraphFlow layer(6, 5, 3);
  const at::Tensor preds = diamond_predecessors();
  const at::Tensor op = at::randn({1, 4, 3});
  const at::Tensor h = at::randn({1, 4, 6});
  const at::Tensor out = layer.forward(h, preds, op);
  // Without predecessors (node 0) only the residual H W + b remains: equal to the layer's output with no edges.
  const at::Tensor alone = layer.forward(h, at::zeros({1, 4, 4}), op);
  CHECK(at::allclose(out.select(1, 0), alone.select(1, 0)));
  CHECK_FALSE(at::allclose(out.select(1, 3), alone.select(1, 3)));
}

TEST_CASE("positional node embeddings let the predictor tell where an op sits", "[gnn]") {
  // FBNet-like input: identity adjacency, so without positions the mean readout cannot see the order of the ops.
  latpred::ModelInput a;
  a.adj = at::eye(6).unsqueeze(0);
  a.ops = at::tensor(std::vector<int64_t>{0, 1, 2, 3, 4, 0}, at::kLong).view({1, 6});
  a.device = at::randn({1, 8});
  latpred::ModelInput b = a;
  b.ops = at::tensor(std::vector<int64_t>{0, 1, 3, 2, 4, 0}, at::kLong).view({1, 6});  // nodes 2 and 3 swapped
  for (bool positional : {false, true}) {
    latpred::gnn::PredictorOptions options;
    options.layer.type = "dgf";
    options.positional = positional;
    at::manual_seed(3);
    latpred::gnn::GnnPredictor model(options);
    model.build(latpred::ModelShape{6, 5, 0, 8});
    model.eval();
    const bool same = at::allclose(model.forward(a), model.forward(b));
    CHECK(same == !positional);
  }
}

TEST_CASE("a graph shared by the batch gives the same outputs and gradients as per-arch graphs", "[gnn]") {
  // Predictor::input passes a shared graph as an expanded view; the layers then take their one-GEMM / edge-list
  // paths, which must agree with at::bmm on the materialised batch (node 0 has no predecessors). On a chain (one
  // predecessor per node, FBNet's layers) the masked attention weight is 1: GAT copies the predecessor's
  // projection, and its attention vector gets no gradient (zero on the materialised batch).
  const int64_t batch = 3;
  at::Tensor chain = at::zeros({1, 4, 4});
  chain[0][1][0] = chain[0][2][1] = 1;
  chain[0][3][2] = 0.5;
  for (const at::Tensor& graph : {diamond_predecessors(), chain}) {
    for (const std::string type : {"dgf", "gat", "ensemble"}) {
      for (const bool constant_features : {false, true}) {
        const at::Tensor shared = graph.expand({batch, 4, 4});
        const at::Tensor materialised = shared.contiguous();
        REQUIRE(shared.stride(0) == 0);
        CAPTURE(type, constant_features, graph.sum().item<float>());
        at::manual_seed(4);
        const auto layer = latpred::gnn::make_layer({type, true, "add"}, 6, 5, 3);
        const at::Tensor op = at::randn({batch, 4, 3});
        // Constant features are an expanded view too (the first layer of a stack).
        const at::Tensor h = constant_features ? at::randn({1, 4, 6}).expand({batch, 4, 6}) : at::randn({batch, 4, 6});
        auto run = [&](const at::Tensor& preds) {
          return output_and_gradients(
              *layer, [&] { return layer->forward(h, preds, op); }, [](const at::Tensor& i) { return i.sin(); });
        };
        check_all_close(run(shared), run(materialised));
      }
    }
  }
}

TEST_CASE("predicting for one device gives the scores of the per-arch device rows", "[gnn]") {
  // With the graph and the device expanded over the batch, GnnPredictor computes its first op-update layer once
  // per op label and gathers it; materialised device rows take the per-node path.
  const int64_t batch = 7, labels = 5;
  at::manual_seed(12);
  latpred::ModelInput shared;
  shared.adj = diamond_predecessors().transpose(1, 2).expand({batch, 4, 4});
  shared.ops = at::randint(labels, {batch, 4}, at::kLong);
  shared.device = at::randn({1, 3}).expand({batch, 3});
  latpred::ModelInput materialised = shared;
  materialised.device = shared.device.contiguous();
  struct Case {
    std::string layer, placement;
    std::vector<int64_t> op_update_dims;
  };
  for (const Case& c : std::vector<Case>{{"dgf", "node", {8, 8}},
                                         {"gat", "node", {8, 6, 8}},
                                         {"ensemble", "node", {8, 8}},
                                         {"ensemble", "head", {8, 8}},
                                         {"ensemble", "node", {8}}}) {
    CAPTURE(c.layer, c.placement, c.op_update_dims.size());
    latpred::gnn::PredictorOptions options;
    options.layer.type = c.layer;
    options.device_placement = c.placement;
    options.node_dim = 6;
    options.hidden = 8;
    options.gnn_dims = {8, 8};
    options.op_update_dims = c.op_update_dims;
    options.head_dims = {8};
    at::manual_seed(13);
    latpred::gnn::GnnPredictor model(options);
    model.build(latpred::ModelShape{4, labels, 0, 3});
    model.eval();
    at::NoGradGuard no_grad;
    const at::Tensor fast = model.forward(shared), reference = model.forward(materialised);
    CHECK(at::allclose(fast, reference, 1e-5, 1e-6));
    CHECK(fast.select(0, 0).item<float>() != fast.select(0, 1).item<float>());  // the archs differ
  }
}

TEST_CASE("an MLP over [node, arch] features equals the MLP over their concatenation", "[gnn]") {
  at::manual_seed(6);
  torch::nn::Sequential mlp = latpred::make_mlp(5 + 7, 4, {{9}, /*batch_norm=*/false, 0.0});
  const at::Tensor node = at::randn({3, 6, 5}), arch = at::randn({3, 7});
  const at::Tensor concatenated = at::cat({node, arch.unsqueeze(1).expand({3, 6, 7})}, 2);
  CHECK(at::allclose(latpred::gnn::mlp_over_nodes_and_arch(mlp, node, arch), mlp->forward(concatenated), 1e-5, 1e-6));
}

TEST_CASE("fused inference kernels equal the ATen chains they replace", "[gnn][fused]") {
  namespace fused = latpred::gnn::fused;
  at::NoGradGuard no_grad;
  // Widths below, at and above the 8-float vector with tails; gates large enough to saturate the sigmoid.
  for (const int64_t d : {5, 16, 131}) {
    CAPTURE(d);
    at::manual_seed(7);
    const int64_t batch = 3, v = 4;
    const at::Tensor gate = at::randn({batch, v, d}) * 6, message = at::randn({batch, v, d});
    const at::Tensor support = at::randn({1, v, d}).expand({batch, v, d});  // shared by the batch
    const at::Tensor bias = at::randn({d}), weight = at::randn({d});
    const at::Tensor preds = diamond_predecessors() * 0.7;
    REQUIRE(fused::applies({gate, message, support}));
    CHECK(at::allclose(fused::gated_graph_sum(gate, support, preds.select(0, 0), bias),
                       at::sigmoid(gate) * at::matmul(preds, support) + support + bias, 1e-5, 1e-6));
    CHECK(at::allclose(fused::gated_layer_norm(gate, message, weight, bias, 1e-5),
                       at::layer_norm(at::sigmoid(gate) * message, {d}, weight, bias, 1e-5), 1e-4, 1e-5));
    // A batch of one is read as shared by the batch, like an expanded view; other shapes are refused.
    const at::Tensor one = support.slice(0, 0, 1).contiguous();
    CHECK(at::allclose(fused::gated_graph_sum(gate, one, preds.select(0, 0), bias),
                       fused::gated_graph_sum(gate, support, preds.select(0, 0), bias)));
    CHECK_THROWS_WITH(fused::gated_layer_norm(gate, message.slice(1, 0, 2), weight, bias, 1e-5),
                      Catch::Contains("do not match"));
  }
}

TEST_CASE("fused kernels apply only without autograd and to row-contiguous float tensors", "[gnn][fused]") {
  namespace fused = latpred::gnn::fused;
  const at::Tensor x = at::randn({2, 3, 4});
  CHECK_FALSE(fused::applies({x}));  // autograd on: training needs the ATen path's backward
  at::NoGradGuard no_grad;
  CHECK(fused::applies({x, x.slice(0, 0, 1).expand({2, 3, 4})}));
  CHECK_FALSE(fused::applies({x.transpose(1, 2)}));
  CHECK_FALSE(fused::applies({x.to(at::kDouble)}));
  CHECK_FALSE(fused::applies({x.view({6, 4})}));
}

TEST_CASE("AVX2 and scalar row kernels agree", "[gnn][fused]") {
  const auto& fast = latpred::gnn::rows::kernels();
  const auto& scalar = latpred::gnn::rows::scalar_kernels();
  at::manual_seed(8);
  for (const int64_t d : {3, 8, 128, 133}) {
    CAPTURE(d);
    const at::Tensor in = at::randn({5, d}) * 4;  // rows: gate, message, residual / weight, bias
    const float *g = in[0].data_ptr<float>(), *m = in[1].data_ptr<float>(), *r = in[2].data_ptr<float>();
    const float* b = in[3].data_ptr<float>();
    at::Tensor out_fast = at::zeros({d}), out_scalar = at::zeros({d});
    fast.gated_residual(g, m, r, b, out_fast.data_ptr<float>(), d);
    scalar.gated_residual(g, m, r, b, out_scalar.data_ptr<float>(), d);
    CHECK(at::allclose(out_fast, out_scalar, 1e-5, 1e-6));
    fast.gated_layer_norm(g, m, r, b, 1e-5F, out_fast.data_ptr<float>(), d);
    scalar.gated_layer_norm(g, m, r, b, 1e-5F, out_scalar.data_ptr<float>(), d);
    CHECK(at::allclose(out_fast, out_scalar, 1e-4, 1e-5));
    CHECK(fast.weighted_dot(g, m, r, d) == Approx(scalar.weighted_dot(g, m, r, d)).epsilon(1e-4).margin(1e-4));
    out_fast.copy_(in[4]);
    out_scalar.copy_(in[4]);
    fast.axpy(0.3F, g, out_fast.data_ptr<float>(), d);
    scalar.axpy(0.3F, g, out_scalar.data_ptr<float>(), d);
    CHECK(at::allclose(out_fast, out_scalar, 1e-6, 1e-6));
  }
}

TEST_CASE("graph layers predict the same without autograd (fused kernels) as with it", "[gnn][fused]") {
  const int64_t batch = 5;
  const at::Tensor shared = diamond_predecessors().expand({batch, 4, 4});
  for (const std::string type : {"dgf", "gat", "ensemble"}) {
    for (const bool constant_features : {false, true}) {
      CAPTURE(type, constant_features);
      at::manual_seed(9);
      const auto layer = latpred::gnn::make_layer({type, true, "add"}, 6, 24, 3);
      const at::Tensor op = at::randn({batch, 4, 3}) * 3;
      const at::Tensor h = constant_features ? at::randn({1, 4, 6}).expand({batch, 4, 6}) : at::randn({batch, 4, 6});
      const at::Tensor with_autograd = layer->forward(h, shared, op).detach();
      at::NoGradGuard no_grad;
      CHECK(at::allclose(layer->forward(h, shared, op), with_autograd, 1e-4, 1e-5));
    }
  }
}

TEST_CASE("a layer's output at one node equals that node of its full output, gradients included", "[gnn]") {
  // The op-update pass reads only the output node of its last layer (GnnPredictor::forward). Node 0 has no
  // predecessors; the second graph adds a self-loop and a weighted edge at node 3.
  const int64_t batch = 3;
  at::Tensor looped = diamond_predecessors();
  looped[0][3][3] = 1;
  looped[0][3][0] = 0.5;
  for (const at::Tensor& graph : {diamond_predecessors(), looped}) {
    for (const bool shared : {true, false}) {
      const at::Tensor preds = shared ? graph.expand({batch, 4, 4}) : graph.expand({batch, 4, 4}).contiguous();
      for (const latpred::gnn::LayerOptions& options : std::vector<latpred::gnn::LayerOptions>{
               {"dgf", true, "add"}, {"gat", true, "add"}, {"gat", false, "add"}, {"ensemble", true, "mlp"}}) {
        for (const bool constant_features : {false, true}) {
          for (const int64_t node : {0, 3}) {
            CAPTURE(shared, options.type, options.mask_non_edges, constant_features, node);
            at::manual_seed(10);
            const auto layer = latpred::gnn::make_layer(options, 6, 5, 3);
            const at::Tensor op = at::randn({batch, 4, 3});
            const at::Tensor h =
                constant_features ? at::randn({1, 4, 6}).expand({batch, 4, 6}) : at::randn({batch, 4, 6});
            auto run = [&](bool one_node) {
              return output_and_gradients(
                  *layer,
                  [&] {
                    return one_node ? layer->forward_at(h, preds, op, node)
                                    : layer->forward(h, preds, op).select(1, node);
                  },
                  [](const at::Tensor& i) { return i.cos(); });
            };
            check_all_close(run(true), run(false));
          }
        }
      }
    }
  }
}
