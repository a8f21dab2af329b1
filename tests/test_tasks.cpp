#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>

#include "data_test_support.hpp"
#include "latpred/error.hpp"
#include "latpred/task.hpp"

using latpred::ConfigError;
using latpred::Task;

namespace {

const std::filesystem::path kTasksDir = std::filesystem::path(LATPRED_SOURCE_DIR) / "pipelines" / "tasks";

Task parse(const std::string& toml_text) {
  const toml::table root = toml::parse(toml_text, std::string_view("study.toml"));
  return latpred::parse_task(*root["task"].as_table(), "study.toml", kTasksDir);
}

}  // namespace

TEST_CASE("the 12 paper tasks", "[task]") {
  const std::vector<Task> tasks = latpred::list_tasks(kTasksDir);
  std::set<std::string> names;
  for (const Task& t : tasks) names.insert(t.name);
  REQUIRE(names == std::set<std::string>{"ND", "NA", "N1", "N2", "N3", "N4", "FD", "FA", "F1", "F2", "F3", "F4"});

  SECTION("shapes from NASFLAT_METHOD §1.1") {
    for (const Task& t : tasks) {
      INFO(t.name);
      CHECK(t.space == (t.name[0] == 'N' ? "nb201" : "fbnet"));
      CHECK_FALSE(t.description.empty());
    }
    const auto n4 = latpred::load_task_file(kTasksDir / "N4.toml");
    CHECK(n4.train.size() == 10);
    CHECK(n4.test == std::vector<std::string>{"1080ti_1", "2080ti_1", "titan_rtx_1"});
    CHECK(latpred::load_task_file(kTasksDir / "FA.toml").train.size() == 15);
    CHECK(latpred::load_task_file(kTasksDir / "NA.toml").train.size() == 17);
  }
  SECTION("every device exists in the dataset of its space") {
    if (!latpred_test::shared_data_dir()) {
      WARN("SKIPPED: shared data not found (set LATPRED_SHARED_DATA)");
      return;
    }
    for (const Task& t : tasks) {
      const auto data = latpred_test::shared_dataset(t.space);
      for (const auto* devices : {&t.train, &t.test}) {
        for (const auto& device : *devices) {
          INFO(t.name << ": " << device);
          CHECK(data->has_device(device));
        }
      }
    }
  }
}

TEST_CASE("task tables: references, inline tasks and errors", "[task]") {
  SECTION("a name alone loads the task file") {
    const Task t = parse("[task]\nname = \"N2\"\n");
    CHECK(t.name == "N2");
    CHECK(t.space == "nb201");
    CHECK(t.train.size() == 5);
    CHECK(t.test.front() == "embedded_gpu_jetson_nano_fp16");
  }
  SECTION("a name with lists is an inline task of that name") {
    const Task t = parse("[task]\nname = \"mine\"\nspace = \"fbnet\"\ntrain = [\"a\", \"b\"]\ntest = [\"c\"]\n");
    CHECK(t.name == "mine");
    CHECK(t.train == std::vector<std::string>{"a", "b"});
    CHECK(t.test == std::vector<std::string>{"c"});
    CHECK(parse("[task]\nspace = \"fbnet\"\ntrain = [\"a\"]\ntest = [\"c\"]\n").name == "custom");
  }
  SECTION("errors carry file:line:col and suggestions") {
    CHECK_THROWS_WITH(parse("[task]\nname = \"N9\"\n"), Catch::StartsWith("study.toml:2:8: 'task.name'") &&
                                                            Catch::Contains("did you mean 'N1'") &&
                                                            Catch::Contains("Available tasks in"));
    CHECK_THROWS_WITH(parse("[task]\nname = \"x\"\nspace = \"nb201\"\ntran = [\"a\"]\ntest = [\"b\"]\n"),
                      Catch::StartsWith("study.toml:4:1: 'task.tran': unknown key. did you mean 'train'?"));
    CHECK_THROWS_WITH(parse("[task]\nspace = \"nb201\"\ntest = [\"b\"]\n"), Catch::Contains("'task.train': missing"));
    CHECK_THROWS_WITH(parse("[task]\nspace = \"nb21\"\ntrain = [\"a\"]\ntest = [\"b\"]\n"),
                      Catch::StartsWith("study.toml:2:9: 'task.space'") && Catch::Contains("did you mean 'nb201'"));
    CHECK_THROWS_WITH(parse("[task]\nspace = \"nb201\"\ntrain = \"a\"\ntest = [\"b\"]\n"),
                      Catch::StartsWith("study.toml:3:9") && Catch::Contains("expected an array of device names"));
    CHECK_THROWS_WITH(parse("[task]\nspace = \"nb201\"\ntrain = [\"a\", 3]\ntest = [\"b\"]\n"),
                      Catch::StartsWith("study.toml:3:15") && Catch::Contains("expected a string"));
    CHECK_THROWS_WITH(parse("[task]\nspace = \"nb201\"\ntrain = [\"a\", \"a\"]\ntest = [\"b\"]\n"),
                      Catch::Contains("device 'a' is listed twice"));
    CHECK_THROWS_WITH(parse("[task]\nspace = \"nb201\"\ntrain = [\"a\"]\ntest = [\"a\"]\n"),
                      Catch::Contains("'a' is both a train and a test device"));
    CHECK_THROWS_WITH(parse("[task]\nspace = \"nb201\"\ntrain = []\ntest = [\"a\"]\n"),
                      Catch::Contains("expected at least one device"));
    CHECK_THROWS_AS(parse("[task]\ndescription = \"x\"\n"), ConfigError);
  }
  SECTION("task files: parse errors and a self-reference are reported") {
    latpred_test::TempFile broken("broken.toml", "[task]\nname = \n");
    CHECK_THROWS_WITH(latpred::load_task_file(broken.path()), Catch::StartsWith(broken.path().string() + ":2:"));
    latpred_test::TempFile reference("ref.toml", "[task]\nname = \"N1\"\n");
    CHECK_THROWS_WITH(latpred::load_task_file(reference.path()), Catch::Contains("must define space, train and test"));
    latpred_test::TempFile extra("extra.toml", "[tasks]\nname = \"N1\"\n");
    CHECK_THROWS_WITH(latpred::load_task_file(extra.path()), Catch::Contains("did you mean 'task'"));
  }
  SECTION("task directory: $LATPRED_TASKS wins, else the source tree") {
    ::setenv("LATPRED_TASKS", "/some/where", 1);
    CHECK(latpred::default_tasks_dir() == std::filesystem::path("/some/where"));
    ::unsetenv("LATPRED_TASKS");
    CHECK(std::filesystem::equivalent(latpred::default_tasks_dir(), kTasksDir));
  }
}
