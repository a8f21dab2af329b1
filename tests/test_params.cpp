#include <catch2/catch.hpp>

#include <cmath>

#include "latpred/params.hpp"

using latpred::ConfigError;
using latpred::ParamType;
using latpred::ParamValue;
using latpred::Schema;

namespace {

Schema model_schema() {
  return Schema()
      .integer("hidden", 64, "hidden width", 1, 4096)
      .real("lr", 1e-3, "learning rate", 0.0)
      .flag("residual", true, "residual connections")
      .choice("act", "relu", {"relu", "gelu", "silu"}, "activation")
      .integers("k", {5, 10}, "transfer sizes", 1)
      .reals("weights", {0.5, 0.5}, "mixing weights", 0.0, 1.0)
      .texts("ops", {"conv"}, "ops", {"conv", "pool"})
      .text("note", "", "free text");
}

toml::table parse(const std::string& text) { return toml::parse(text, std::string_view("model.toml")); }

// The message of the ConfigError thrown by resolving `text` against model_schema().
std::string resolve_error(const std::string& text) {
  try {
    latpred::resolve_params(model_schema(), parse(text), "model", "model.toml");
  } catch (const ConfigError& e) {
    CHECK(e.exit_code() == 2);
    return e.what();
  }
  FAIL("expected a ConfigError for: " << text);
  return "";
}

}  // namespace

TEST_CASE("schema builders validate their defaults", "[params]") {
  CHECK_THROWS_WITH(Schema().integer("x", 0, "", 1, 10), Catch::Contains("outside its range"));
  CHECK_THROWS_WITH(Schema().integer("x", 1, "").integer("x", 2, ""), Catch::Contains("duplicate"));
  CHECK_THROWS_WITH(Schema().choice("x", "c", {"a", "b"}, ""), Catch::Contains("not one of its choices"));
  CHECK_THROWS_WITH(Schema().integers("x", {1, 0}, "", 1), Catch::Contains("outside its range"));
  CHECK_THROWS_WITH(Schema().real("x", 0.5, "", 1.0, 0.0), Catch::Contains("min > max"));
  CHECK_THROWS(Schema().add({"x", ParamType::Int, ParamValue(1.5), {}, {}, {}, ""}));  // default of the wrong type
  const Schema schema = model_schema();
  CHECK(schema.names().size() == 8);
  REQUIRE(schema.find("act") != nullptr);
  CHECK(schema.find("act")->choices.size() == 3);
  CHECK(schema.find("missing") == nullptr);
}

TEST_CASE("resolve_params fills defaults and reports bad values with file:line:col", "[params]") {
  SECTION("defaults and accepted widenings") {
    const auto params = latpred::resolve_params(model_schema(), parse("type = 'x'\nhidden = 8\nlr = 1\nk = [1]"),
                                                "model", "model.toml");
    CHECK(params.get_int("hidden") == 8);
    CHECK(params.get_float("lr") == 1.0);  // an int where a float is expected
    CHECK(params.get_ints("k") == std::vector<int64_t>{1});
    CHECK(params.get_bool("residual"));
    CHECK(params.get_string("act") == "relu");
    CHECK(params.get_floats("weights") == std::vector<double>{0.5, 0.5});
    CHECK(params.values().size() == 8);
    CHECK_FALSE(params.has("type"));
  }
  SECTION("unknown key: position, did you mean, valid keys") {
    const std::string message = resolve_error("hidden = 8\nhiden = 9");
    CHECK_THAT(message, Catch::StartsWith("model.toml:2:1: 'model.hiden': unknown parameter"));
    CHECK_THAT(message, Catch::Contains("did you mean 'hidden'"));
    CHECK_THAT(message, Catch::Contains("Valid keys: hidden, lr, residual, act, k, weights, ops, note"));
  }
  SECTION("wrong type: expected vs got") {
    CHECK_THAT(resolve_error("hidden = \"big\""),
               Catch::StartsWith("model.toml:1:10: 'model.hidden': expected int, got string \"big\""));
    CHECK_THAT(resolve_error("hidden = 1.5"), Catch::Contains("expected int, got float 1.5"));
    CHECK_THAT(resolve_error("residual = 1"), Catch::Contains("expected bool, got int 1"));
    CHECK_THAT(resolve_error("k = 5"), Catch::Contains("expected int list, got int 5"));
  }
  SECTION("out of range and not a choice") {
    CHECK_THAT(resolve_error("hidden = 0"), Catch::Contains("'model.hidden': value 0 is out of range [1, 4096]"));
    CHECK_THAT(resolve_error("lr = -0.5"), Catch::Contains("value -0.5 is out of range [0, inf]"));
    const std::string message = resolve_error("act = \"gelo\"");
    CHECK_THAT(message, Catch::Contains("'gelo' is not a valid choice"));
    CHECK_THAT(message, Catch::Contains("did you mean 'gelu'"));
    CHECK_THAT(message, Catch::Contains("Choices: relu, gelu, silu"));
  }
  SECTION("lists are checked element by element") {
    CHECK_THAT(resolve_error("k = [5, 0, 10]"),
               Catch::StartsWith("model.toml:1:9: 'model.k': element 1: value 0 is out of range"));
    CHECK_THAT(resolve_error("weights = [0.5, \"x\"]"), Catch::Contains("element 1: expected float, got string"));
    CHECK_THAT(resolve_error("ops = [\"conv\", \"skip\"]"), Catch::Contains("element 1: 'skip' is not a valid choice"));
  }
  SECTION("required keys") {
    const Schema schema = Schema().required("space", ParamType::String, "search space");
    CHECK_THROWS_WITH(latpred::resolve_params(schema, parse(""), "task", "t.toml"),
                      Catch::Contains("'task.space': missing required parameter (string): search space"));
    CHECK_THROWS_AS(latpred::default_params(schema), ConfigError);
    CHECK(latpred::resolve_params(schema, parse("space = 'nb201'"), "task", "t.toml").get_string("space") == "nb201");
    CHECK(latpred::default_params(model_schema()).get_int("hidden") == 64);
  }
}

TEST_CASE("Params getters and TOML literals", "[params]") {
  latpred::Params params;
  params.set("n", int64_t{3});
  params.set("name", std::string("dgf"));
  params.set("ns", std::vector<int64_t>{1, 2});
  CHECK(params.get_float("n") == 3.0);
  CHECK(params.get_floats("ns") == std::vector<double>{1.0, 2.0});
  CHECK_THROWS_WITH(params.get_int("name"), Catch::Contains("holds a string (\"dgf\"), expected int"));
  CHECK_THROWS_WITH(params.get_int("nme"), Catch::Contains("did you mean 'name'"));

  CHECK(latpred::to_string(ParamValue(1.0)) == "1.0");
  CHECK(latpred::to_string(ParamValue(0.1)) == "0.1");
  CHECK(latpred::to_string(ParamValue(std::vector<std::string>{"a", "b"})) == "[\"a\", \"b\"]");
  CHECK(latpred::to_string(ParamValue(false)) == "false");

  // Every literal reads back, through toml++ and the schema, as the same value.
  const std::vector<ParamValue> values = {ParamValue(true),
                                          ParamValue(int64_t{-7}),
                                          ParamValue(1e-5),
                                          ParamValue(1.0 / 3.0),
                                          ParamValue(2e300),
                                          ParamValue(std::string("a \"quoted\"\\ line\nnext\ttab")),
                                          ParamValue(std::string("bell\a del\x7f esc\x1b")),
                                          ParamValue(std::vector<int64_t>{}),
                                          ParamValue(std::vector<double>{0.1, 2.0}),
                                          ParamValue(std::vector<std::string>{"x", "y,z"})};
  for (const auto& value : values) {
    const std::string literal = latpred::to_string(value);
    INFO(literal);
    const toml::table table = toml::parse("v = " + literal);
    latpred::ParamSpec spec;
    spec.name = "v";
    spec.type = static_cast<ParamType>(value.index());
    const auto back = latpred::resolve_params(Schema().add(spec), table, "", "literal");
    CHECK(back.values().at("v") == value);
  }
  const toml::table special = toml::parse("v = " + latpred::to_string(ParamValue(-INFINITY)));
  CHECK(std::isinf(special["v"].value_or(0.0)));
}
