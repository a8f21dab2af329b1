// Zero-cost proxies: determinism under the seed, basic properties of each proxy, errors.
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <cmath>

#include "latpred/error.hpp"
#include "latpred/networks.hpp"
#include "latpred/zcp.hpp"

namespace {

latpred::ZcpOptions small_options(uint64_t seed) {
  latpred::ZcpOptions o;
  o.batch_size = 4;
  o.seed = seed;
  return o;
}

}  // namespace

TEST_CASE("Zero-cost proxies of NB201 networks", "[zcp][nb201]") {
  const std::vector<int> mixed = {2, 1, 4, 0, 2, 3};  // one conv3x3 edge keeps it cheap
  const auto options = small_options(7);
  const auto batch = latpred::make_synthetic_batch(options);

  SECTION("deterministic under the seed, and every proxy is defined") {
    const auto a = latpred::compute_zcp("nb201", mixed, options, batch);
    const auto b = latpred::compute_zcp("nb201", mixed, options, latpred::make_synthetic_batch(options));
    REQUIRE(a.size() == latpred::zcp_names().size());
    for (const auto& name : latpred::zcp_names()) {
      INFO(name);
      CHECK(std::isfinite(a.at(name)));
      CHECK(a.at(name) == b.at(name));
    }
    const auto other =
        latpred::compute_zcp("nb201", mixed, small_options(8), latpred::make_synthetic_batch(small_options(8)));
    CHECK(other.at("params") == a.at("params"));  // data- and weight-free
    CHECK(other.at("flops") == a.at("flops"));
    CHECK(other.at("snip") != a.at("snip"));
    CHECK(other.at("nwot") != a.at("nwot"));
  }

  SECTION("values follow their definitions") {
    latpred::ZcpOptions some = small_options(7);
    some.batch_size = 4;
    some.proxies = {"params", "flops", "synflow", "l2_norm", "grad_norm", "snip", "plain", "fisher", "nwot"};
    const auto tiny = latpred::make_synthetic_batch(some);
    const auto big = latpred::compute_zcp("nb201", {3, 3, 3, 3, 3, 3}, some, tiny);
    const auto small = latpred::compute_zcp("nb201", {2, 2, 2, 2, 2, 2}, some, tiny);
    CHECK(big.at("params") == Approx(1.531546));
    CHECK(big.at("params") > small.at("params"));
    CHECK(big.at("flops") > small.at("flops"));
    CHECK(big.at("synflow") > small.at("synflow"));  // more (abs) weights on every path
    CHECK(big.at("l2_norm") > 0.0);
    CHECK(big.at("grad_norm") > 0.0);
    CHECK(big.at("snip") >= std::abs(big.at("plain")));  // sum |x| >= |sum x|
    CHECK(big.at("fisher") > 0.0);
    // nwot = log det K <= sum log K_ii (Hadamard) = batch * log(ReLU units), ~9e5 units here.
    CHECK(big.at("nwot") > 0.0);
    CHECK(big.at("nwot") < 4 * std::log(2e6));
  }

  SECTION("an output-disconnected cell has no input Jacobian") {
    latpred::ZcpOptions jac = options;
    jac.proxies = {"jacov", "epe_nas", "synflow"};
    const auto none = latpred::compute_zcp("nb201", {0, 0, 0, 0, 0, 0}, jac, batch);
    CHECK(none.size() == 3);
    CHECK(std::isnan(none.at("jacov")));
    CHECK(std::isnan(none.at("epe_nas")));
  }

  SECTION("bad input") {
    latpred::ZcpOptions bad = options;
    bad.proxies = {"synflo"};
    CHECK_THROWS_WITH(latpred::compute_zcp("nb201", mixed, bad, batch), Catch::Contains("did you mean 'synflow'"));
    bad = options;
    bad.batch_size = 1;
    CHECK_THROWS_AS(latpred::make_synthetic_batch(bad), latpred::ConfigError);
  }
}

TEST_CASE("Zero-cost proxies of an FBNet network", "[zcp][fbnet]") {
  std::vector<int> ops(22, 8);
  ops[1] = 3;
  ops[6] = 5;
  auto options = small_options(1);
  options.batch_size = 4;
  options.proxies = {"params", "flops", "synflow", "zen", "snip", "jacov"};
  const auto scores = latpred::compute_zcp("fbnet", ops, options, latpred::make_synthetic_batch(options));
  for (const auto& [name, value] : scores) {
    INFO(name);
    CHECK(std::isfinite(value));
  }
  CHECK(scores.at("params") ==
        Approx(static_cast<double>(latpred::count_parameters(*latpred::build_fbnet_network(ops))) / 1e6));
}
