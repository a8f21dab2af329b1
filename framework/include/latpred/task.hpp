// A task: a search space, training (source) devices and test (target) devices. The paper's 12 tasks are TOML
// files in pipelines/tasks/, not code.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "latpred/export.hpp"

namespace latpred {

struct Task {
  std::string name;
  std::string space;  // "nb201" | "fbnet"
  std::vector<std::string> train;
  std::vector<std::string> test;
  std::string description;
};

// Parses a [task] table: either inline (space/train/test) or `name = "N1"` referring to <tasks_dir>/N1.toml.
// `file` is used for messages. Throws ConfigError.
LATPRED_API Task parse_task(const toml::table& table, const std::string& file, const std::filesystem::path& tasks_dir);
LATPRED_API Task load_task_file(const std::filesystem::path& file);
// The task directory: $LATPRED_TASKS, else pipelines/tasks of the source tree / install prefix.
LATPRED_API std::filesystem::path default_tasks_dir();
LATPRED_API std::vector<Task> list_tasks(const std::filesystem::path& tasks_dir);

}  // namespace latpred
