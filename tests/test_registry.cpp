#include "latpred/registry.hpp"
#include "latpred/sampler.hpp"

// glog (pulled in by the torch headers) defines CHECK too; Catch's must win, so it is included last.
#undef CHECK
#include <catch2/catch.hpp>

namespace {

class FixedSampler : public latpred::Sampler {
 public:
  explicit FixedSampler(int64_t first) : first_(first) {}
  std::vector<int64_t> select(const latpred::SampleRequest& r) override {
    std::vector<int64_t> out;
    for (int64_t i = 0; i < r.k; ++i) out.push_back(first_ + i);
    return out;
  }

 private:
  int64_t first_;
};

latpred::Schema fixed_schema() { return latpred::Schema().integer("first", 0, "first index", 0, 100); }

}  // namespace

TEST_CASE("registry creates components by kind and type", "[registry]") {
  latpred::Registry registry;
  registry.add<latpred::Sampler>("fixed", "fixed indices", fixed_schema(), [](const latpred::Params& p) {
    return std::make_shared<FixedSampler>(p.get_int("first"));
  });
  latpred::Params params;
  params.set("first", int64_t{7});
  auto sampler = registry.create<latpred::Sampler>("fixed", params);
  latpred::SampleRequest request;
  request.k = 2;
  CHECK(sampler->select(request) == std::vector<int64_t>{7, 8});
  CHECK(registry.types("sampler") == std::vector<std::string>{"fixed"});
}

TEST_CASE("registry rejects duplicates and explains unknown types", "[registry]") {
  latpred::Registry registry;
  auto factory = [](const latpred::Params&) { return std::make_shared<FixedSampler>(0); };
  registry.add<latpred::Sampler>("random", "", latpred::Schema(), factory);
  registry.add<latpred::Sampler>("kmeans", "", latpred::Schema(), factory);
  CHECK_THROWS_WITH(registry.add<latpred::Sampler>("random", "", latpred::Schema(), factory),
                    Catch::Contains("duplicate component sampler 'random'"));
  try {
    registry.create("sampler", "randon", latpred::Params());
    FAIL("expected a ConfigError");
  } catch (const latpred::ConfigError& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Catch::Contains("did you mean 'random'"));
    CHECK_THAT(message, Catch::Contains("Registered sampler types: random, kmeans"));
    CHECK(e.exit_code() == 2);
  }
}

TEST_CASE("did_you_mean only suggests close names", "[error]") {
  CHECK(latpred::did_you_mean("ensembel", {"ensemble", "dgf"}) == "did you mean 'ensemble'? ");
  CHECK(latpred::did_you_mean("xyz", {"ensemble", "dgf"}).empty());
  CHECK(latpred::edit_distance("kitten", "sitting") == 3);
}
