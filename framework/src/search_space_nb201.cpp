// NAS-Bench-201: a 4-node cell with 6 edges, each carrying one of 5 ops. The predictor graph puts the ops on nodes
// (8 nodes: input, the 6 edge-ops in arch-string order, output) exactly as NASFLAT's get_matrix_and_ops does
// (NASFLAT_METHOD §2.1): `none` nodes are cut out, `skip_connect` nodes are bypassed, then everything not on an
// input->output path is zeroed (dimensions kept).
#include <array>
#include <stdexcept>
#include <string>

#include "latpred/search_space.hpp"

namespace latpred {
namespace {

constexpr int kEdges = 6;
constexpr int kNodes = 8;
constexpr int kOutputNode = kNodes - 1;

// Op ids of the data (HELP / Eagle arch_vector encoding).
enum Nb201Op { kNone = 0, kSkip = 1, kConv1x1 = 2, kConv3x3 = 3, kAvgPool = 4 };
const char* const kOpNames[] = {"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"};
constexpr int kNumOps = 5;

// Node labels: the reference's one-hot order [output, input, *sorted op names].
constexpr int64_t kLabelOutput = 0;
constexpr int64_t kLabelInput = 1;
constexpr int64_t kLabelOfOp[kNumOps] = {/*none*/ 5, /*skip*/ 6, /*conv1x1*/ 3, /*conv3x3*/ 4, /*avgpool*/ 2};

// The source cell node of each edge in arch-string order: (1<-0 | 2<-0, 2<-1 | 3<-0, 3<-1, 3<-2).
constexpr int kEdgeSource[kEdges] = {0, 0, 1, 0, 1, 2};

using Matrix = std::array<std::array<int, kNodes>, kNodes>;

Matrix base_adjacency() {
  Matrix a{};
  a[0][1] = a[0][2] = a[0][4] = 1;
  a[1][3] = a[1][5] = 1;
  a[2][6] = 1;
  a[3][6] = 1;
  a[4][7] = a[5][7] = a[6][7] = 1;
  return a;
}

void cut_node(Matrix& a, int k) {
  for (int other = 0; other < kNodes; ++other) a[other][k] = a[k][other] = 0;
}

// Connect every predecessor of k to every successor of k. A predecessor loses its edge into k only if k has a
// successor; k loses its out-edges afterwards (the reference's order, which later nodes observe).
void bypass_node(Matrix& a, int k) {
  std::array<bool, kNodes> visited_successor{};
  for (int p = 0; p < kNodes; ++p) {
    if (!a[p][k]) continue;
    for (int s = 0; s < kNodes; ++s) {
      if (!a[k][s]) continue;
      a[p][s] = 1;
      a[p][k] = 0;
      visited_successor[s] = true;
    }
  }
  for (int s = 0; s < kNodes; ++s) {
    if (visited_successor[s]) a[k][s] = 0;
  }
}

std::array<bool, kNodes> reachable(const Matrix& a, int start, bool forward) {
  std::array<bool, kNodes> seen{};
  std::array<int, kNodes> stack{};
  int top = 0;
  stack[top++] = start;
  seen[start] = true;
  while (top > 0) {
    const int v = stack[--top];
    for (int other = 0; other < kNodes; ++other) {
      const int edge = forward ? a[v][other] : a[other][v];
      if (edge && !seen[other]) {
        seen[other] = true;
        stack[top++] = other;
      }
    }
  }
  return seen;
}

// Zeroes every node not on an input->output path. When the output is unreachable, no node is, so all is zero.
void prune(Matrix& a) {
  const auto from_input = reachable(a, 0, true);
  const auto to_output = reachable(a, kOutputNode, false);
  for (int v = 0; v < kNodes; ++v) {
    if (!from_input[v] || !to_output[v]) cut_node(a, v);
  }
}

Matrix op_node_adjacency(const std::vector<int>& ops) {
  Matrix a = base_adjacency();
  for (int e = 0; e < kEdges; ++e) {
    if (ops[e] == kNone) cut_node(a, e + 1);
    if (ops[e] == kSkip) bypass_node(a, e + 1);
  }
  prune(a);
  return a;
}

class Nb201Space final : public SearchSpace {
 public:
  std::string name() const override { return "nb201"; }
  int num_choices() const override { return kEdges; }
  int num_op_values() const override { return kNumOps; }
  int num_nodes() const override { return kNodes; }
  int num_node_labels() const override { return 7; }
  std::vector<std::string> op_names() const override { return {std::begin(kOpNames), std::end(kOpNames)}; }

  ArchGraph graph(const std::vector<int>& ops) const override {
    check(ops);
    return to_graph(ops, op_node_adjacency(ops));
  }
  ArchGraph full_graph(const std::vector<int>& ops) const override {
    check(ops);
    return to_graph(ops, base_adjacency());
  }

 private:
  static ArchGraph to_graph(const std::vector<int>& ops, const Matrix& a) {
    ArchGraph g;
    g.num_nodes = kNodes;
    g.adj.resize(kNodes * kNodes);
    for (int u = 0; u < kNodes; ++u) {
      for (int v = 0; v < kNodes; ++v) g.adj[u * kNodes + v] = static_cast<float>(a[u][v]);
    }
    g.ops.resize(kNodes);
    g.ops[0] = kLabelInput;
    for (int e = 0; e < kEdges; ++e) g.ops[e + 1] = kLabelOfOp[ops[e]];
    g.ops[kOutputNode] = kLabelOutput;
    return g;
  }

 public:
  std::string arch_string(const std::vector<int>& ops) const override {
    check(ops);
    std::string out = "|";
    for (int e = 0; e < kEdges; ++e) {
      out += kOpNames[ops[e]];
      out += '~';
      out += std::to_string(kEdgeSource[e]);
      out += '|';
      if (e == 0 || e == 2) out += "+|";
    }
    return out;
  }
};

int op_id(const std::string& name, const std::string& arch) {
  for (int i = 0; i < kNumOps; ++i) {
    if (name == kOpNames[i]) return i;
  }
  throw std::invalid_argument("NB201 arch string '" + arch + "': unknown op '" + name +
                              "' (expected none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3)");
}

}  // namespace

std::unique_ptr<SearchSpace> make_nb201_space() { return std::make_unique<Nb201Space>(); }

std::vector<int> nb201_parse_arch_string(const std::string& arch) {
  const auto fail = [&](const std::string& why) {
    return std::invalid_argument("NB201 arch string '" + arch + "': " + why +
                                 " (expected the form |op~0|+|op~0|op~1|+|op~0|op~1|op~2|)");
  };
  std::vector<int> ops;
  std::size_t pos = 0;
  for (int node = 1; node <= 3; ++node) {
    if (node > 1) {
      if (arch.compare(pos, 1, "+") != 0) throw fail("missing '+' before cell node " + std::to_string(node));
      ++pos;
    }
    if (arch.compare(pos, 1, "|") != 0) throw fail("missing '|' at offset " + std::to_string(pos));
    ++pos;
    for (int source = 0; source < node; ++source) {
      const std::size_t bar = arch.find('|', pos);
      if (bar == std::string::npos) throw fail("unterminated token at offset " + std::to_string(pos));
      const std::string token = arch.substr(pos, bar - pos);
      const std::size_t tilde = token.find('~');
      if (tilde == std::string::npos || token.substr(tilde + 1) != std::to_string(source)) {
        throw fail("token '" + token + "' should be op~" + std::to_string(source));
      }
      ops.push_back(op_id(token.substr(0, tilde), arch));
      pos = bar + 1;
    }
  }
  if (pos != arch.size()) throw fail("trailing characters at offset " + std::to_string(pos));
  return ops;
}

bool nb201_output_disconnected(const std::vector<int>& ops) {
  make_nb201_space()->check(ops);
  // After pruning, a graph with any edge left has an input->output path.
  for (const auto& row : op_node_adjacency(ops)) {
    for (int edge : row) {
      if (edge) return false;
    }
  }
  return true;
}

}  // namespace latpred
