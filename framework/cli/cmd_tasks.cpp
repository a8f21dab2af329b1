// latpred tasks list | show NAME: the task files (search space, train devices, test devices).
#include <iostream>

#include <fmt/format.h>

#include "cli_common.hpp"
#include "latpred/task.hpp"

namespace latpred::cli {

void add_tasks_command(CLI::App& app, CliContext& ctx) {
  auto* tasks = app.add_subcommand("tasks", "List and show the task definitions");
  tasks->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  tasks->add_option("--tasks-dir", *dir, "directory of task files (default: $LATPRED_TASKS or built-in)");
  const auto tasks_dir = [dir] { return dir->empty() ? default_tasks_dir() : std::filesystem::path(*dir); };
  add_tasks_generator_commands(*tasks, ctx);

  auto* list = tasks->add_subcommand("list", "List every task: name, space, number of train/test devices");
  list->callback([&ctx, tasks_dir] {
    ctx.action = [tasks_dir] {
      const auto found = list_tasks(tasks_dir());
      std::cout << fmt::format("{:<8} {:<6} {:>5} {:>5}  {}\n", "name", "space", "train", "test", "description");
      for (const auto& task : found)
        std::cout << fmt::format("{:<8} {:<6} {:>5} {:>5}  {}\n", task.name, task.space, task.train.size(),
                                 task.test.size(), task.description);
      if (found.empty()) std::cout << "no tasks in " << tasks_dir().string() << "\n";
      return 0;
    };
  });

  auto* show = tasks->add_subcommand("show", "Show one task's devices");
  auto name = std::make_shared<std::string>();
  show->add_option("name", *name, "task name, e.g. N1")->required();
  show->callback([&ctx, tasks_dir, name] {
    ctx.action = [tasks_dir, name] {
      toml::table reference;
      reference.insert("name", *name);
      const Task task = parse_task(reference, "<command line>", tasks_dir());
      std::cout << fmt::format("{}  ({})\n{}\ntrain ({}): {}\ntest ({}): {}\n", task.name, task.space, task.description,
                               task.train.size(), join(task.train), task.test.size(), join(task.test));
      return 0;
    };
  });
}

}  // namespace latpred::cli
