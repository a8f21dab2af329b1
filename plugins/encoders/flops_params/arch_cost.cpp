#include "arch_cost.hpp"

#include <array>
#include <stdexcept>

namespace latpred_cost {
namespace {

void check_ops(const std::vector<int>& ops, std::size_t length, int values, const char* space) {
  if (ops.size() != length)
    throw std::invalid_argument(std::string(space) + ": expected " + std::to_string(length) + " op ids, got " +
                                std::to_string(ops.size()));
  for (int op : ops)
    if (op < 0 || op >= values)
      throw std::invalid_argument(std::string(space) + ": op id " + std::to_string(op) + " is out of range 0.." +
                                  std::to_string(values - 1));
}

// One conv (no bias) + BN over `positions` output pixels, as a layer of the networks counts it.
void conv_bn(ArchCost& c, int64_t in, int64_t out, int64_t kernel, int64_t groups, int64_t positions) {
  const int64_t macs = positions * out * (in / groups) * kernel * kernel;
  c.params += out * (in / groups) * kernel * kernel + 2 * out;
  c.macs += macs;
  c.naslib_flops += macs + 2 * out * positions;
}

void classifier(ArchCost& c, int64_t channels, int64_t positions, int64_t classes) {
  c.naslib_flops += channels * positions;  // global average pool
  c.params += channels * classes + classes;
  c.macs += channels * classes;
  c.naslib_flops += channels * classes + classes;
}

}  // namespace

ArchCost nb201_cost(const std::vector<int>& ops, int num_classes) {
  check_ops(ops, 6, 5, "nb201");
  constexpr std::array<int64_t, 3> kChannels = {16, 32, 64};
  constexpr std::array<int64_t, 3> kPositions = {32 * 32, 16 * 16, 8 * 8};
  ArchCost c;
  conv_bn(c, 3, 16, 3, 1, kPositions[0]);  // stem
  for (std::size_t s = 0; s < 3; ++s) {
    const int64_t ch = kChannels[s], hw = kPositions[s];
    if (s > 0) {  // ResNet basic block, stride 2: ReLU-conv3x3-BN, ReLU-conv3x3-BN, avgpool2x2 + conv1x1 shortcut
      const int64_t in = kChannels[s - 1];
      c.naslib_flops += in * kPositions[s - 1];  // ReLU before conv_a
      conv_bn(c, in, ch, 3, 1, hw);
      c.naslib_flops += ch * hw;  // ReLU before conv_b
      conv_bn(c, ch, ch, 3, 1, hw);
      c.naslib_flops += 4 * in * hw + hw * ch * in;  // 2x2 pool, then the bias-free, BN-free 1x1 conv
      c.params += in * ch;
      c.macs += hw * ch * in;
    }
    for (int cell = 0; cell < 5; ++cell) {
      for (int op : ops) {
        if (op == 2 || op == 3) {  // ReLU-conv-BN 1x1 / 3x3
          c.naslib_flops += ch * hw;
          conv_bn(c, ch, ch, op == 2 ? 1 : 3, 1, hw);
        } else if (op == 4) {
          c.naslib_flops += 9 * ch * hw;  // avg_pool_3x3; none and skip cost nothing
        }
      }
    }
  }
  c.params += 2 * 64;
  c.naslib_flops += 3 * 64 * kPositions[2];  // last BN + ReLU
  classifier(c, 64, kPositions[2], num_classes);
  return c;
}

ArchCost fbnet_cost(const std::vector<int>& ops, int num_classes) {
  check_ops(ops, 22, 9, "fbnet");
  struct Block {
    int64_t kernel, expansion, groups;
  };
  constexpr std::array<Block, 8> kBlocks = {
      {{3, 1, 1}, {3, 1, 2}, {3, 3, 1}, {3, 6, 1}, {5, 1, 1}, {5, 1, 2}, {5, 3, 1}, {5, 6, 1}}};
  constexpr std::array<int64_t, 22> kChannels = {16, 24, 24,  24,  24,  32,  32,  32,  32,  64,  64,
                                                 64, 64, 112, 112, 112, 112, 184, 184, 184, 184, 352};
  constexpr std::array<int64_t, 22> kStrides = {1, 1, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1};
  constexpr int64_t kHead = 1504;
  ArchCost c;
  int64_t in = 16, hw = 32 * 32;
  conv_bn(c, 3, in, 3, 1, hw);  // stem conv-BN-ReLU
  c.naslib_flops += in * hw;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const int64_t out = kChannels[i], hw_out = hw / (kStrides[i] * kStrides[i]);
    if (ops[i] == 8) {
      if (kStrides[i] != 1 || in != out) conv_bn(c, in, out, 1, 1, hw_out);  // projection conv1x1-BN
    } else {
      const Block& b = kBlocks[static_cast<std::size_t>(ops[i])];
      const int64_t mid = in * b.expansion;
      conv_bn(c, in, mid, 1, b.groups, hw);  // expand-BN-ReLU
      c.naslib_flops += mid * hw;
      conv_bn(c, mid, mid, b.kernel, mid, hw_out);  // depthwise-BN-ReLU
      c.naslib_flops += mid * hw_out;
      conv_bn(c, mid, out, 1, b.groups, hw_out);  // project-BN
    }
    in = out;
    hw = hw_out;
  }
  conv_bn(c, in, kHead, 1, 1, hw);  // head conv-BN-ReLU
  c.naslib_flops += kHead * hw;
  classifier(c, kHead, hw, num_classes);
  return c;
}

ArchCost arch_cost(const std::string& space, const std::vector<int>& ops, int num_classes) {
  if (space == "nb201") return nb201_cost(ops, num_classes);
  if (space == "fbnet") return fbnet_cost(ops, num_classes);
  throw std::invalid_argument("no analytic cost model for the search space '" + space + "' (known: nb201, fbnet)");
}

}  // namespace latpred_cost
