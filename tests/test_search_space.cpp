#include <catch2/catch.hpp>

#include <set>

#include "data_test_support.hpp"
#include "latpred/search_space.hpp"

using latpred::ArchGraph;

namespace {

// Builds an 8x8 adjacency from an edge list.
std::vector<float> adjacency(std::initializer_list<std::pair<int, int>> edges) {
  std::vector<float> adj(64, 0.0f);
  for (const auto& [u, v] : edges) adj[u * 8 + v] = 1.0f;
  return adj;
}

// Data op ids: 0 none, 1 skip_connect, 2 nor_conv_1x1, 3 nor_conv_3x3, 4 avg_pool_3x3.
// Graph node labels: output 0, input 1, avg_pool_3x3 2, nor_conv_1x1 3, nor_conv_3x3 4, none 5, skip_connect 6.
// Nodes: 0 input, 1 e(1<-0), 2 e(2<-0), 3 e(2<-1), 4 e(3<-0), 5 e(3<-1), 6 e(3<-2), 7 output.
// Base adjacency: 0->1, 0->2, 0->4, 1->3, 1->5, 2->6, 3->6, 4->7, 5->7, 6->7.

}  // namespace

TEST_CASE("NB201 graphs match hand-derived conversions", "[search_space][nb201]") {
  const auto space = latpred::make_nb201_space();
  REQUIRE(space->name() == "nb201");
  REQUIRE(space->num_nodes() == 8);
  REQUIRE(space->num_node_labels() == 7);

  SECTION("all none: every op node is cut, the output is unreachable, all-zero adjacency") {
    const ArchGraph g = space->graph({0, 0, 0, 0, 0, 0});
    CHECK(g.adj == adjacency({}));
    CHECK(g.ops == std::vector<int64_t>{1, 5, 5, 5, 5, 5, 5, 0});
    CHECK(latpred::nb201_output_disconnected({0, 0, 0, 0, 0, 0}));
  }
  SECTION("all nor_conv_3x3: nothing changes, the base adjacency survives pruning") {
    const ArchGraph g = space->graph({3, 3, 3, 3, 3, 3});
    CHECK(g.adj == adjacency({{0, 1}, {0, 2}, {0, 4}, {1, 3}, {1, 5}, {2, 6}, {3, 6}, {4, 7}, {5, 7}, {6, 7}}));
    CHECK(g.ops == std::vector<int64_t>{1, 4, 4, 4, 4, 4, 4, 0});
  }
  SECTION("all skip_connect collapses to a single input->output edge") {
    // k=1: pred 0, succ {3,5}: add 0->3, 0->5; drop 0->1, 1->3, 1->5.
    // k=2: pred 0, succ {6}: add 0->6; drop 0->2, 2->6.
    // k=3: pred 0 (from k=1), succ {6}: 0->6 already; drop 0->3, 3->6.
    // k=4: pred 0, succ {7}: add 0->7; drop 0->4, 4->7.   k=5: same via 0->5, 5->7.   k=6: same via 0->6, 6->7.
    // Left: 0->7 only; pruning keeps nodes 0 and 7.
    const ArchGraph g = space->graph({1, 1, 1, 1, 1, 1});
    CHECK(g.adj == adjacency({{0, 7}}));
    CHECK(g.ops == std::vector<int64_t>{1, 6, 6, 6, 6, 6, 6, 0});
  }
  SECTION("mixed arch: skip nodes are bypassed, the none node is cut") {
    // ops: e(1<-0) skip, e(2<-0) conv3x3, e(2<-1) conv1x1, e(3<-0) none, e(3<-1) avgpool, e(3<-2) skip.
    // k=1 skip: pred 0, succ {3,5} -> add 0->3, 0->5; drop 0->1, 1->3, 1->5.
    // k=4 none: drop 0->4, 4->7.
    // k=6 skip: preds {2,3}, succ {7} -> add 2->7, 3->7; drop 2->6, 3->6, 6->7.
    // Left: 0->2, 0->3, 0->5, 2->7, 3->7, 5->7 (nodes 1, 4, 6 isolated and pruned).
    // Cell check: output = conv3x3(in) + conv1x1(in) + avgpool(in).
    const ArchGraph g = space->graph({1, 3, 2, 0, 4, 1});
    CHECK(g.adj == adjacency({{0, 2}, {0, 3}, {0, 5}, {2, 7}, {3, 7}, {5, 7}}));
    CHECK(g.ops == std::vector<int64_t>{1, 6, 4, 3, 5, 2, 6, 0});
    CHECK_FALSE(latpred::nb201_output_disconnected({1, 3, 2, 0, 4, 1}));
  }
  SECTION("dangling nodes are pruned while the dimensions are kept") {
    // e(3<-0) and e(3<-2) none: node 6 is cut, so nodes 2 (0->2) and 3 (1->3) lead nowhere and are pruned.
    // Left: 0->1, 1->5, 5->7.
    const ArchGraph g = space->graph({3, 3, 3, 0, 3, 0});
    CHECK(g.num_nodes == 8);
    CHECK(g.adj == adjacency({{0, 1}, {1, 5}, {5, 7}}));
    CHECK(g.ops == std::vector<int64_t>{1, 4, 4, 4, 5, 4, 5, 0});
  }
  SECTION("a skip without predecessor changes nothing and is pruned afterwards") {
    // k=1 none drops 0->1, 1->3, 1->5; k=3 skip has no predecessor, keeps 3->6; pruning drops 3->6 (3 unreachable)
    // and node 5 (no predecessor). Left: 0->2, 0->4, 2->6, 4->7, 6->7.
    const ArchGraph g = space->graph({0, 3, 1, 3, 3, 3});
    CHECK(g.adj == adjacency({{0, 2}, {0, 4}, {2, 6}, {4, 7}, {6, 7}}));
    CHECK(g.ops == std::vector<int64_t>{1, 5, 4, 6, 4, 4, 4, 0});
  }
  SECTION("output disconnected: the cut separates input and output, every node is dropped, labels stay") {
    // NB201 index 12: e(1<-0), e(2<-0), e(2<-1), e(3<-0) none; e(3<-1) conv3x3 and e(3<-2) avgpool have no input.
    const ArchGraph g = space->graph({0, 0, 0, 0, 3, 4});
    CHECK(g.adj == adjacency({}));
    CHECK(g.ops == std::vector<int64_t>{1, 5, 5, 5, 5, 4, 2, 0});
    CHECK(latpred::nb201_output_disconnected({0, 0, 0, 0, 3, 4}));
  }
  SECTION("arch strings") {
    const std::string arch = "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|none~2|";
    CHECK(latpred::nb201_parse_arch_string(arch) == std::vector<int>{4, 2, 1, 2, 1, 0});
    CHECK(space->arch_string({4, 2, 1, 2, 1, 0}) == arch);
    CHECK_THROWS_WITH(latpred::nb201_parse_arch_string("|avg_pool_3x3~0|+|conv~0|skip_connect~1|+|x~0|x~1|x~2|"),
                      Catch::Contains("unknown op 'conv'"));
    CHECK_THROWS_AS(latpred::nb201_parse_arch_string("|none~1|+|none~0|none~1|+|none~0|none~1|none~2|"),
                    std::invalid_argument);
    CHECK_THROWS_AS(latpred::nb201_parse_arch_string(arch + "x"), std::invalid_argument);
  }
  SECTION("invalid op vectors are rejected") {
    CHECK_THROWS_WITH(space->graph({0, 0, 0}), Catch::Contains("expected 6 op ids, got 3"));
    CHECK_THROWS_WITH(space->graph({0, 0, 0, 5, 0, 0}), Catch::Contains("op id 5 at position 3"));
  }
}

TEST_CASE("FBNet graphs and the search-space factory", "[search_space][fbnet]") {
  const auto space = latpred::make_search_space("fbnet");
  REQUIRE(space->num_nodes() == 22);
  REQUIRE(space->op_names().size() == 9);
  CHECK(space->op_names().front() == "k3_e1");
  CHECK(space->op_names().back() == "skip");
  std::vector<int> ops(22);
  for (int i = 0; i < 22; ++i) ops[i] = (i * 5) % 9;

  SECTION("identity adjacency, labels = block ids") {
    const ArchGraph g = space->graph(ops);
    for (int u = 0; u < 22; ++u) {
      for (int v = 0; v < 22; ++v) CHECK(g.adj[u * 22 + v] == (u == v ? 1.0f : 0.0f));
      CHECK(g.ops[u] == ops[u]);
      CHECK(g.ops[u] < space->num_node_labels());
    }
  }
  SECTION("chain adjacency helper") {
    const ArchGraph g = latpred::fbnet_chain_graph(ops);
    for (int u = 0; u < 22; ++u) {
      for (int v = 0; v < 22; ++v) CHECK(g.adj[u * 22 + v] == (v == u + 1 ? 1.0f : 0.0f));
    }
  }
  SECTION("arch string and validation") {
    CHECK(space->arch_string(std::vector<int>(22, 8)).rfind("skip-skip-", 0) == 0);
    CHECK_THROWS_WITH(space->graph(std::vector<int>(21, 0)), Catch::Contains("expected 22"));
    CHECK_THROWS_AS(space->graph(std::vector<int>(22, 9)), std::invalid_argument);
  }
  SECTION("unknown space names are listed") {
    CHECK_THROWS_WITH(latpred::make_search_space("nb20"),
                      Catch::Contains("did you mean 'nb201'") && Catch::Contains("Known spaces: nb201, fbnet"));
  }
}

TEST_CASE("NB201 conversion over the whole dataset", "[search_space][nb201][data]") {
  const auto data_dir = latpred_test::shared_data_dir();
  if (!data_dir) {
    WARN("SKIPPED: shared data not found (set LATPRED_SHARED_DATA)");
    return;
  }
  const auto space = latpred::make_nb201_space();
  const auto help = latpred_test::read_csv_rows(*data_dir / "help_latency/csv/help_nb201_latency_ms.csv");
  const auto eagle = latpred_test::read_csv_rows(*data_dir / "eagle_brpnas_latency/csv/eagle_nb201_latency_ms.csv");
  REQUIRE(help.size() == 15626);
  REQUIRE(eagle.size() == 15626);
  REQUIRE(help[0][1] == "arch_str");
  REQUIRE(eagle[0][3] == "output_disconnected");

  int disconnected = 0;
  int label_mismatches = 0;
  int string_mismatches = 0;
  int flag_mismatches = 0;
  for (std::size_t row = 1; row < help.size(); ++row) {
    const std::string& arch = help[row][1];
    const std::vector<int> ops = latpred::nb201_parse_arch_string(arch);
    std::string joined;
    for (int op : ops) joined += (joined.empty() ? "" : "-") + std::to_string(op);
    if (joined != help[row][2] || space->arch_string(ops) != arch) ++string_mismatches;
    const bool cut = latpred::nb201_output_disconnected(ops);
    disconnected += cut;
    if (cut != (eagle[row][3] == "1")) ++flag_mismatches;
    const ArchGraph g = space->graph(ops);
    const bool all_zero = std::all_of(g.adj.begin(), g.adj.end(), [](float v) { return v == 0.0f; });
    if (all_zero != cut || g.ops.front() != 1 || g.ops.back() != 0) ++label_mismatches;
  }
  CHECK(string_mismatches == 0);
  CHECK(disconnected == 341);
  CHECK(flag_mismatches == 0);
  CHECK(label_mismatches == 0);
}
