#include <catch2/catch.hpp>

#include "latpred/study.hpp"
#include "study_test_support.hpp"

using latpred::ConfigError;
using latpred::load_study;
using namespace study_test;

namespace {

std::string study_error(const fs::path& file, const latpred::Registry& registry, const latpred::StudyOptions& options) {
  try {
    load_study(file, registry, options);
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("expected a ConfigError for " << file);
  return "";
}

std::vector<std::string> swept_values(const latpred::Study& study, std::size_t axis) {
  std::vector<std::string> out;
  for (const auto& run : study.runs) out.push_back(run.swept.at(axis).value);
  return out;
}

}  // namespace

TEST_CASE("studies resolve every component and report config errors with positions", "[study]") {
  const ScratchDir scratch("study_errors");
  const fs::path& dir = scratch.path;
  const auto registry = test_registry();
  const auto options = options_in(dir);

  SECTION("a valid study fills every default") {
    const fs::path file = write_text(dir / "ok.toml", std::string("[study]\nname = \"ok\"\nseeds = [1, 2]\n") +
                                                          kBaseTables + "[transfer]\nk = [5]\n");
    const auto study = load_study(file, registry, options);
    REQUIRE(study.runs.size() == 2);
    const auto& config = study.runs[0].config;
    CHECK(config.task.train == std::vector<std::string>{"dev_a", "dev_b"});
    CHECK(config.model.type == "mlp");
    CHECK(config.model.params.get_int("hidden") == 32);
    CHECK(config.model.params.get_string("activation") == "relu");
    CHECK(config.encoder.params.get_int("dim") == 8);
    CHECK(config.supplementary.empty());
    CHECK(config.train.get_int("epochs") == 50);
    CHECK(config.transfer.get_ints("k") == std::vector<int64_t>{5});
    CHECK(study.runs[0].config.seed == 1);
    CHECK(study.runs[1].config.seed == 2);
    CHECK(study.runs[0].key != study.runs[1].key);
    CHECK(study.runs[0].key.size() == 16);
    CHECK(study.run_dir() == dir / "out" / "ok");
    CHECK_THAT(study.runs[0].resolved, Catch::Contains("[train]\nbatch_size = 128\n"));
  }
  SECTION("unknown parameter of a component") {
    const fs::path file = write_text(dir / "s.toml", std::string(kBaseTables) + "hiden = 3\n");
    const std::string message = study_error(file, registry, options);
    CHECK_THAT(message, Catch::StartsWith(file.string() + ":20:1: 'model.hiden': unknown parameter"));
    CHECK_THAT(message, Catch::Contains("did you mean 'hidden'"));
    CHECK_THAT(message, Catch::Contains("Valid keys: hidden, dropout, activation"));
  }
  SECTION("wrong type and out of range in [train]") {
    write_text(dir / "s.toml", std::string(kBaseTables) + "[train]\nepochs = \"many\"\n");
    CHECK_THAT(study_error(dir / "s.toml", registry, options),
               Catch::Contains(":21:10: 'train.epochs': expected int, got string \"many\""));
    write_text(dir / "s.toml", std::string(kBaseTables) + "[transfer]\nk = [5, -1]\n");
    CHECK_THAT(study_error(dir / "s.toml", registry, options),
               Catch::Contains("'transfer.k': element 1: value -1 is out of range"));
  }
  SECTION("unknown component type lists the available types") {
    std::string text = kBaseTables;
    text.replace(text.find("\"mlp\""), 5, "\"mlpp\"");
    write_text(dir / "s.toml", text);
    const std::string message = study_error(dir / "s.toml", registry, options);
    CHECK_THAT(message, Catch::Contains(":18:8: 'model.type': unknown model type 'mlpp'"));
    CHECK_THAT(message, Catch::Contains("did you mean 'mlp'"));
    CHECK_THAT(message, Catch::Contains("Registered model types: mlp, gat"));
  }
  SECTION("missing component table and unknown top-level table") {
    std::string text = kBaseTables;
    text.replace(text.find("[devicerep]"), 11, "[devicerp]");
    write_text(dir / "s.toml", text);
    const std::string message = study_error(dir / "s.toml", registry, options);
    CHECK_THAT(message, Catch::Contains("'devicerp': unknown top-level table. did you mean 'devicerep'"));
    const std::string devicerep_table = "[devicerp]\ntype = \"embedding\"";
    text.replace(text.find(devicerep_table), devicerep_table.size(), "");
    write_text(dir / "s.toml", text);
    CHECK_THAT(study_error(dir / "s.toml", registry, options),
               Catch::Contains("missing [devicerep] table with a type. Registered devicerep types: embedding"));
  }
  SECTION("unknown key in [study]") {
    write_text(dir / "s.toml", std::string("[study]\nseed = [1]\n") + kBaseTables);
    CHECK_THAT(study_error(dir / "s.toml", registry, options),
               Catch::Contains(":2:1: 'study.seed': unknown key. did you mean 'seeds'"));
  }
}

TEST_CASE("includes merge in order and report missing files and cycles", "[study]") {
  const ScratchDir scratch("study_includes");
  const fs::path& dir = scratch.path;
  const auto registry = test_registry();
  const auto options = options_in(dir);
  fs::create_directories(dir / "common");
  write_text(dir / "common" / "base.toml", std::string(kBaseTables) + "dropout = 0.5\n[train]\nepochs = 7\n");
  write_text(dir / "common" / "fast.toml", "[train]\nepochs = 2\nlr = 0.01\n");

  SECTION("later wins, tables merge key by key, paths relative to the including file") {
    const fs::path file = write_text(dir / "s.toml",
                                     "include = [\"common/base.toml\", \"common/fast.toml\"]\n"
                                     "[model]\nhidden = 99\n");
    const auto study = load_study(file, registry, options);
    REQUIRE(study.runs.size() == 1);
    const auto& config = study.runs[0].config;
    CHECK(config.model.params.get_int("hidden") == 99);      // this file over base.toml
    CHECK(config.model.params.get_float("dropout") == 0.5);  // kept from base.toml
    CHECK(config.train.get_int("epochs") == 2);              // fast.toml over base.toml
    CHECK(config.train.get_float("lr") == 0.01);
    CHECK(study.includes == std::vector<fs::path>{dir / "common/base.toml", dir / "common/fast.toml"});
    CHECK(study.name == "s");
  }
  SECTION("errors inside an included file name that file") {
    write_text(dir / "common" / "bad.toml", "[model]\nhidden = 0\n");
    const fs::path file = write_text(dir / "s.toml", "include = [\"common/base.toml\", \"common/bad.toml\"]\n");
    CHECK_THAT(
        study_error(file, registry, options),
        Catch::StartsWith((dir / "common/bad.toml").string() + ":2:10: 'model.hidden': value 0 is out of range"));
  }
  SECTION("missing include") {
    const fs::path file = write_text(dir / "s.toml", "\ninclude = [\"common/base.toml\", \"nope.toml\"]\n");
    const std::string message = study_error(file, registry, options);
    CHECK_THAT(message, Catch::StartsWith(file.string() + ":2:32: 'include': included file not found"));
    CHECK_THAT(message, Catch::Contains("nope.toml"));
  }
  SECTION("include cycle") {
    write_text(dir / "a.toml", "include = [\"b.toml\"]\n");
    write_text(dir / "b.toml", "include = [\"a.toml\"]\n");
    const std::string message = study_error(dir / "a.toml", registry, options);
    CHECK_THAT(message, Catch::StartsWith((dir / "b.toml").string() + ":1:12: 'include': include cycle"));
    CHECK_THAT(message, Catch::Contains("a.toml -> b.toml -> a.toml"));
  }
  SECTION("TOML syntax errors carry the position") {
    const fs::path file = write_text(dir / "s.toml", "[model\n");
    CHECK_THAT(study_error(file, registry, options), Catch::StartsWith(file.string() + ":1:"));
  }
}

TEST_CASE("overrides (--set) are parsed as TOML values and applied after includes", "[study]") {
  const ScratchDir scratch("study_overrides");
  const fs::path& dir = scratch.path;
  const auto registry = test_registry();
  auto options = options_in(dir);
  write_text(dir / "base.toml", kBaseTables);
  const fs::path file = write_text(dir / "s.toml", "include = [\"base.toml\"]\n[model]\nhidden = 16\n");

  CHECK(latpred::parse_override(" model.hidden = 256 ").key == "model.hidden");
  CHECK(latpred::parse_override("a.b=x=y").value_text == "x=y");
  CHECK_THROWS_WITH(latpred::parse_override("model.hidden"), Catch::Contains("expected KEY=VALUE"));
  CHECK_THROWS_WITH(latpred::parse_override("model..x=1"), Catch::Contains("dotted key"));
  CHECK_THROWS_WITH(latpred::parse_override("model.x="), Catch::Contains("missing value"));

  options.overrides = {"model.hidden=256", "model.activation=gelu", "transfer.k=[1, 2]",
                       "train.lr=1e-2",    "study.seeds=[3]",       "model.dropout=0.25"};
  const auto study = load_study(file, registry, options);
  REQUIRE(study.runs.size() == 1);
  const auto& config = study.runs[0].config;
  CHECK(config.model.params.get_int("hidden") == 256);
  CHECK(config.model.params.get_string("activation") == "gelu");  // a bare word is a string
  CHECK(config.model.params.get_float("dropout") == 0.25);
  CHECK(config.transfer.get_ints("k") == std::vector<int64_t>{1, 2});
  CHECK(config.train.get_float("lr") == 0.01);
  CHECK(config.seed == 3);

  options.overrides = {"model.hidden=abc"};
  CHECK_THAT(study_error(file, registry, options),
             Catch::StartsWith("--set model.hidden=abc: 'model.hidden': expected int, got string \"abc\""));
  options.overrides = {"model.type.x=1"};
  CHECK_THAT(study_error(file, registry, options), Catch::Contains("cannot set a key inside 'model.type'"));
}

TEST_CASE("sweeps expand in grid and zip order, seeds innermost, and validate every point", "[study]") {
  const ScratchDir scratch("study_sweep");
  const fs::path& dir = scratch.path;
  const auto registry = test_registry();
  const auto options = options_in(dir);
  const std::string base = std::string("[study]\nseeds = [1, 2]\n") + kBaseTables;

  SECTION("grid: cartesian product, first axis outermost") {
    const fs::path file = write_text(dir / "s.toml", base + R"(
[[sweep.axes]]
key = "model.type"
values = ["mlp", "gat"]
[[sweep.axes]]
key = "train.epochs"
values = [1, 2, 3]
)");
    const auto study = load_study(file, registry, options);
    REQUIRE(study.runs.size() == 12);
    CHECK(study.sweep_mode == "grid");
    CHECK(study.swept_keys == std::vector<std::string>{"model.type", "train.epochs"});
    CHECK(swept_values(study, 0) ==
          std::vector<std::string>{"mlp", "mlp", "mlp", "mlp", "mlp", "mlp", "gat", "gat", "gat", "gat", "gat", "gat"});
    CHECK(swept_values(study, 1) ==
          std::vector<std::string>{"1", "1", "2", "2", "3", "3", "1", "1", "2", "2", "3", "3"});
    CHECK(study.runs[0].config.seed == 1);
    CHECK(study.runs[1].config.seed == 2);
    CHECK(study.runs[2].config.train.get_int("epochs") == 2);
    CHECK(study.runs[7].config.model.type == "gat");
    CHECK(study.runs[7].config.model.params.get_int("hidden") == 32);  // shared key kept for the new type
    CHECK(study.runs[7].config.model.params.get_int("heads") == 4);
  }
  SECTION("zip: i-th value of each axis") {
    const fs::path file = write_text(dir / "s.toml", base + R"(
[sweep]
mode = "zip"
[[sweep.axes]]
key = "train.epochs"
values = [1, 2, 3]
[[sweep.axes]]
key = "transfer.k"
values = [[5], [10], [5, 10]]
)");
    const auto study = load_study(file, registry, options);
    REQUIRE(study.runs.size() == 6);
    CHECK(swept_values(study, 1) == std::vector<std::string>{"[5]", "[5]", "[10]", "[10]", "[5, 10]", "[5, 10]"});
    CHECK(study.runs[4].config.transfer.get_ints("k") == std::vector<int64_t>{5, 10});
    CHECK(study.runs[4].config.train.get_int("epochs") == 3);
  }
  SECTION("zip needs equal lengths") {
    const fs::path file = write_text(dir / "s.toml", base + R"(
[sweep]
mode = "zip"
[[sweep.axes]]
key = "train.epochs"
values = [1, 2, 3]
[[sweep.axes]]
key = "train.lr"
values = [0.1, 0.2]
)");
    CHECK_THAT(study_error(file, registry, options), Catch::Contains("'train.epochs' has 3 values, 'train.lr' has 2"));
  }
  SECTION("a linked axis moves several keys together, inside a grid") {
    const fs::path file = write_text(dir / "s.toml", base + R"(
[[sweep.axes]]
key = "train.epochs"
values = [1, 2]
[[sweep.axes]]
keys = ["train.lr", "transfer.k"]
values = [[0.1, [5]], [0.2, [5, 10]], [0.3, [10]]]
)");
    const auto study = load_study(file, registry, options);
    REQUIRE(study.runs.size() == 12);  // 2 x 3 points x 2 seeds
    CHECK(study.swept_keys == std::vector<std::string>{"train.epochs", "train.lr", "transfer.k"});
    CHECK(swept_values(study, 1) ==
          std::vector<std::string>{"0.1", "0.1", "0.2", "0.2", "0.3", "0.3", "0.1", "0.1", "0.2", "0.2", "0.3", "0.3"});
    CHECK(swept_values(study, 2) == std::vector<std::string>{"[5]", "[5]", "[5, 10]", "[5, 10]", "[10]", "[10]", "[5]",
                                                             "[5]", "[5, 10]", "[5, 10]", "[10]", "[10]"});
    CHECK(study.runs[9].config.train.get_int("epochs") == 2);
    CHECK(study.runs[9].config.train.get_float("lr") == 0.2);
    CHECK(study.runs[9].config.transfer.get_ints("k") == std::vector<int64_t>{5, 10});
  }
  SECTION("a linked axis needs one value per key") {
    write_text(dir / "s.toml",
               base + "[[sweep.axes]]\nkeys = [\"train.lr\", \"transfer.k\"]\nvalues = [[0.1, [5]], [0.2]]\n");
    CHECK_THAT(study_error(dir / "s.toml", registry, options),
               Catch::Contains("'sweep.axes[0].values[1]': expected an array of 2 values, one per key of train.lr, "
                               "transfer.k"));
    write_text(dir / "s.toml", base + "[[sweep.axes]]\nkeys = [\"train.lr\"]\nvalues = [[0.1]]\n");
    CHECK_THAT(study_error(dir / "s.toml", registry, options), Catch::Contains("two or more dotted keys"));
    write_text(dir / "s.toml",
               base + "[[sweep.axes]]\nkeys = [\"train.lr\", \"study.name\"]\nvalues = [[0.1, \"x\"]]\n");
    CHECK_THAT(study_error(dir / "s.toml", registry, options), Catch::Contains("cannot sweep 'study.name'"));
  }
  SECTION("a bad swept value is reported at its position, with the sweep point") {
    const fs::path file =
        write_text(dir / "s.toml", base + "[[sweep.axes]]\nkey = \"model.hidden\"\nvalues = [8, 0]\n");
    const std::string message = study_error(file, registry, options);
    CHECK_THAT(message, Catch::StartsWith(file.string() + ":24:14: 'model.hidden': value 0 is out of range"));
    CHECK_THAT(message, Catch::EndsWith("(in sweep point model.hidden=0)"));
  }
  SECTION("sweeping a type re-resolves the component; per-type params") {
    const std::string with_dropout = base + "dropout = 0.1\n";
    const std::string axis = "[[sweep.axes]]\nkey = \"model.type\"\nvalues = [\"mlp\", \"gat\"]\n";
    write_text(dir / "s.toml", with_dropout + axis);
    const std::string message = study_error(dir / "s.toml", registry, options);
    CHECK_THAT(message, Catch::Contains("'model.dropout': unknown parameter"));
    CHECK_THAT(message, Catch::Contains("(in sweep point model.type=gat)"));

    write_text(dir / "s.toml", base + axis + "params = { mlp = { dropout = 0.1 }, gat = { heads = 8 } }\n");
    const auto study = load_study(dir / "s.toml", registry, options);
    REQUIRE(study.runs.size() == 4);
    CHECK(study.runs[0].config.model.params.get_float("dropout") == 0.1);
    CHECK(study.runs[2].config.model.params.get_int("heads") == 8);

    write_text(dir / "s.toml", base + axis + "params = { gatt = { heads = 8 } }\n");
    CHECK_THAT(study_error(dir / "s.toml", registry, options),
               Catch::Contains("not one of the swept values. did you mean 'gat'"));
  }
  SECTION("a swept table without a type merges into the table; with a type it replaces the component") {
    write_text(dir / "s.toml", base + R"(
[train]
epochs = 7
source_samples = 64
[[sweep.axes]]
key = "train"
values = [{ lr = 0.01 }, { lr = 0.02, epochs = 3 }]
[[sweep.axes]]
key = "model"
values = [{ dropout = 0.2 }, { type = "gat" }]
)");
    const auto study = load_study(dir / "s.toml", registry, options);
    REQUIRE(study.runs.size() == 8);
    const auto& first = study.runs[0].config;
    CHECK(first.train.get_float("lr") == 0.01);
    CHECK(first.train.get_int("epochs") == 7);  // kept from [train]
    CHECK(first.train.get_int("source_samples") == 64);
    CHECK(first.model.type == "mlp");
    CHECK(first.model.params.get_int("hidden") == 32);  // kept from [model]
    CHECK(first.model.params.get_float("dropout") == 0.2);
    const auto& gat = study.runs[2].config;
    CHECK(gat.model.type == "gat");
    CHECK(gat.model.params.get_int("hidden") != 32);  // a new component: [model]'s keys are gone
    const auto& later = study.runs[4].config;
    CHECK(later.train.get_int("epochs") == 3);
    CHECK(later.train.get_int("source_samples") == 64);
  }
  SECTION("bad axes") {
    write_text(dir / "s.toml", base + "[[sweep.axes]]\nkey = \"modl.hidden\"\nvalues = [1]\n");
    CHECK_THAT(study_error(dir / "s.toml", registry, options), Catch::Contains("did you mean 'model'"));
    write_text(dir / "s.toml", base + "[[sweep.axes]]\nkey = \"model.hidden\"\nvalues = [8, 8]\n");
    CHECK_THAT(study_error(dir / "s.toml", registry, options), Catch::Contains("two runs resolve to the same config"));
    write_text(dir / "s.toml", base + "[sweep]\nmode = \"grd\"\n");
    CHECK_THAT(study_error(dir / "s.toml", registry, options), Catch::Contains("Choices: grid, zip"));
  }
}

TEST_CASE("run keys are stable and survive a resolved-config round trip", "[study]") {
  const ScratchDir scratch("study_keys");
  const fs::path& dir = scratch.path;
  const auto registry = test_registry();
  auto options = options_in(dir);
  const fs::path file = write_text(dir / "s.toml", std::string("[study]\nseeds = [1, 2]\n") + kBaseTables + R"(
[supplementary]
type = "onehot"
dim = 4
[[sweep.axes]]
key = "model.type"
values = ["mlp", "gat"]
[[sweep.axes]]
key = "transfer.k"
values = [[5], [10, 20]]
)");
  const auto study = load_study(file, registry, options);
  REQUIRE(study.runs.size() == 8);

  // Same input, same keys; the data directory does not enter the key; any config change does.
  options.overrides = {"study.data_dir=/somewhere/else"};
  const auto moved = load_study(file, registry, options);
  for (std::size_t i = 0; i < study.runs.size(); ++i) CHECK(moved.runs[i].key == study.runs[i].key);
  CHECK(moved.data_dir == "/somewhere/else");
  options.overrides = {"train.margin=0.2"};
  const auto changed = load_study(file, registry, options);
  CHECK(changed.runs[0].key != study.runs[0].key);

  const fs::path resolved = write_text(dir / "resolved.toml", latpred::resolved_study_toml(study));
  const auto runs = latpred::load_resolved_runs(resolved, registry);
  REQUIRE(runs.size() == study.runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    CHECK(runs[i].key == study.runs[i].key);
    CHECK(runs[i].resolved == study.runs[i].resolved);
    REQUIRE(runs[i].swept.size() == 2);
    CHECK(runs[i].swept[0].key == "model.type");
    CHECK(runs[i].swept[1].value == study.runs[i].swept[1].value);
  }
  REQUIRE(runs[3].config.supplementary.size() == 1);
  CHECK(runs[3].config.supplementary[0].params.get_int("dim") == 4);
}
