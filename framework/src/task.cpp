#include "latpred/task.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <set>

#include "latpred/error.hpp"
#include "latpred/search_space.hpp"

namespace latpred {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kTaskKeys = {"name", "space", "train", "test", "description"};

SourcePos pos_of(const toml::node& node, const std::string& file) {
  const auto& begin = node.source().begin;
  return {file, static_cast<int>(begin.line), static_cast<int>(begin.column)};
}

std::string string_value(const toml::node& node, const std::string& key, const std::string& file) {
  const auto* value = node.as_string();
  if (!value) throw ConfigError(pos_of(node, file), "task." + key, "expected a string");
  return value->get();
}

std::vector<std::string> device_list(const toml::node& node, const std::string& key, const std::string& file) {
  const auto* array = node.as_array();
  if (!array) throw ConfigError(pos_of(node, file), "task." + key, "expected an array of device names");
  if (array->empty()) throw ConfigError(pos_of(node, file), "task." + key, "expected at least one device");
  std::vector<std::string> devices;
  std::set<std::string> seen;
  for (const auto& element : *array) {
    const std::string device = string_value(element, key, file);
    if (!seen.insert(device).second) {
      throw ConfigError(pos_of(element, file), "task." + key, "device '" + device + "' is listed twice");
    }
    devices.push_back(device);
  }
  return devices;
}

std::vector<std::string> task_names(const fs::path& tasks_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(tasks_dir, ec)) {
    if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

Task parse_task_table(const toml::table& table, const std::string& file, const fs::path& tasks_dir,
                      bool allow_reference) {
  for (const auto& [key, node] : table) {
    const std::string k(key.str());
    if (std::find(kTaskKeys.begin(), kTaskKeys.end(), k) == kTaskKeys.end()) {
      const auto& begin = key.source().begin;
      throw ConfigError({file, static_cast<int>(begin.line), static_cast<int>(begin.column)}, "task." + k,
                        "unknown key. " + did_you_mean(k, kTaskKeys) + "Valid keys: " + join(kTaskKeys) + ".");
    }
  }
  Task task;
  if (const auto* node = table.get("name")) task.name = string_value(*node, "name", file);
  if (const auto* node = table.get("description")) task.description = string_value(*node, "description", file);

  const bool has_inline = table.contains("space") || table.contains("train") || table.contains("test");
  if (!has_inline) {
    const SourcePos where{file, static_cast<int>(table.source().begin.line), 0};
    if (task.name.empty()) throw ConfigError(where, "task", "expected `name` (a task file) or space/train/test");
    if (!allow_reference) {
      throw ConfigError(where, "task", "a task file must define space, train and test itself");
    }
    const fs::path referenced = tasks_dir / (task.name + ".toml");
    if (!fs::exists(referenced)) {
      const auto known = task_names(tasks_dir);
      throw ConfigError(pos_of(*table.get("name"), file), "task.name",
                        "no task file " + referenced.string() + ". " + did_you_mean(task.name, known) +
                            "Available tasks in " + tasks_dir.string() + ": " +
                            (known.empty() ? std::string("(none)") : join(known)) + ".");
    }
    return load_task_file(referenced);
  }

  for (const char* key : {"space", "train", "test"}) {
    if (!table.contains(key)) {
      throw ConfigError({file, static_cast<int>(table.source().begin.line), 0}, std::string("task.") + key,
                        "missing (an inline task needs space, train and test)");
    }
  }
  const toml::node& space_node = *table.get("space");
  task.space = string_value(space_node, "space", file);
  const auto spaces = search_space_names();
  if (std::find(spaces.begin(), spaces.end(), task.space) == spaces.end()) {
    throw ConfigError(pos_of(space_node, file), "task.space",
                      "unknown search space '" + task.space + "'. " + did_you_mean(task.space, spaces) +
                          "Known spaces: " + join(spaces) + ".");
  }
  task.train = device_list(*table.get("train"), "train", file);
  task.test = device_list(*table.get("test"), "test", file);
  for (const auto& device : task.test) {
    if (std::find(task.train.begin(), task.train.end(), device) != task.train.end()) {
      throw ConfigError(pos_of(*table.get("test"), file), "task.test",
                        "device '" + device + "' is both a train and a test device");
    }
  }
  if (task.name.empty()) task.name = "custom";
  return task;
}

}  // namespace

Task parse_task(const toml::table& table, const std::string& file, const fs::path& tasks_dir) {
  return parse_task_table(table, file, tasks_dir, true);
}

Task load_task_file(const fs::path& path) {
  const std::string file = path.string();
  if (!fs::exists(path)) throw ConfigError({file, 0, 0}, "", "task file not found");
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw ConfigError({file, static_cast<int>(begin.line), static_cast<int>(begin.column)}, "",
                      std::string(e.description()));
  }
  for (const auto& [key, unused] : root) {
    if (key.str() != "task") {
      const auto& begin = key.source().begin;
      throw ConfigError({file, static_cast<int>(begin.line), static_cast<int>(begin.column)}, std::string(key.str()),
                        "unknown key in a task file. " + did_you_mean(std::string(key.str()), {"task"}) +
                            "A task file holds one [task] table.");
    }
  }
  const auto* table = root.get_as<toml::table>("task");
  if (!table) throw ConfigError({file, 1, 0}, "task", "expected a [task] table");
  Task task = parse_task_table(*table, file, path.parent_path(), false);
  if (!table->contains("name")) task.name = path.stem().string();
  return task;
}

fs::path default_tasks_dir() {
  if (const char* env = std::getenv("LATPRED_TASKS"); env && *env) return env;
#ifdef LATPRED_SOURCE_DIR
  const fs::path source_tasks = fs::path(LATPRED_SOURCE_DIR) / "pipelines" / "tasks";
  if (fs::is_directory(source_tasks)) return source_tasks;
#endif
  // Installed: <prefix>/lib/liblatpred.so -> <prefix>/share/latpred/tasks.
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&default_tasks_dir), &info) && info.dli_fname) {
    return fs::absolute(info.dli_fname).parent_path().parent_path() / "share" / "latpred" / "tasks";
  }
  return fs::path("share") / "latpred" / "tasks";
}

std::vector<Task> list_tasks(const fs::path& tasks_dir) {
  if (!fs::is_directory(tasks_dir)) throw Error("task directory '" + tasks_dir.string() + "' does not exist");
  std::vector<Task> tasks;
  for (const auto& name : task_names(tasks_dir)) tasks.push_back(load_task_file(tasks_dir / (name + ".toml")));
  return tasks;
}

}  // namespace latpred
