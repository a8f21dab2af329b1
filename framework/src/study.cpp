// load_study: the [study] header, the sweep, and the expansion of sweep points x seeds into validated runs.
#include <algorithm>
#include <set>

#include <spdlog/spdlog.h>

#include "latpred/nas.hpp"
#include "latpred/study.hpp"
#include "latpred/task.hpp"
#include "study_internal.hpp"
#include "toml_source.hpp"

namespace fs = std::filesystem;

namespace latpred {
namespace {

using detail::source_pos;
using detail::toml_type_name;

struct Axis {
  std::string key;                // the swept key; a linked axis' keys joined with "+" (for messages)
  std::vector<std::string> keys;  // the keys each value sets: {key}, or a linked axis' `keys`
  std::size_t count = 0;
  SourcePos pos;
  std::string component;  // set when the axis sweeps a component's type
};

void reject_unknown_keys(const toml::table& table, const std::string& path, const std::vector<std::string>& valid,
                         const std::string& file) {
  for (auto&& [key, value] : table) {
    const std::string name(key.str());
    if (std::find(valid.begin(), valid.end(), name) != valid.end()) continue;
    throw ConfigError(detail::source_pos(key, value, file), detail::dotted(path, name),
                      "unknown key. " + did_you_mean(name, valid) + "Valid keys: " + join(valid));
  }
}

const toml::table* optional_table(const toml::table& root, const std::string& key, const std::string& file) {
  const toml::node* node = root.get(key);
  if (!node) return nullptr;
  if (!node->is_table())
    throw ConfigError(source_pos(*node, file), key, "expected a table, got " + toml_type_name(*node));
  return node->as_table();
}

std::string read_string(const toml::table& table, const std::string& path, const std::string& key,
                        const std::string& def, const std::string& file) {
  const toml::node* node = table.get(key);
  if (!node) return def;
  if (!node->is_string())
    throw ConfigError(source_pos(*node, file), path + "." + key,
                      "expected a string, got " + toml_type_name(*node) + " " + detail::toml_literal(*node));
  return node->as_string()->get();
}

void parse_header(const toml::table& root, Study& study, const StudyOptions& options) {
  const std::string file = study.file.string();
  study.name = study.file.stem().string();
  study.seeds = {42};
  study.output = "runs";
  if (const toml::table* header = optional_table(root, "study", file)) {
    reject_unknown_keys(*header, "study", {"name", "seeds", "output", "data_dir", "description"}, file);
    study.name = read_string(*header, "study", "name", study.name, file);
    study.description = read_string(*header, "study", "description", "", file);
    study.output = read_string(*header, "study", "output", "runs", file);
    if (const toml::node* data_dir = header->get("data_dir")) {
      // A relative data_dir is relative to the file that sets it (a --set one: to the working directory).
      study.data_dir = read_string(*header, "study", "data_dir", "", file);
      const auto& origin = data_dir->source().path;
      if (!study.data_dir.empty() && fs::path(study.data_dir).is_relative() && origin && fs::exists(*origin))
        study.data_dir = (fs::path(*origin).parent_path() / study.data_dir).lexically_normal().string();
    }
    if (const toml::node* seeds = header->get("seeds")) {
      Schema schema;
      schema.integers("seeds", {}, "random seeds; every sweep point runs once per seed", 0);
      toml::table holder;
      holder.insert("seeds", *seeds);  // a copy loses the source position: report it from the original node
      try {
        study.seeds = resolve_params(schema, holder, "study", file).get_ints("seeds");
      } catch (const ConfigError& e) {
        throw ConfigError(source_pos(*seeds, file), "study.seeds", detail::bare_message(e));
      }
      std::set<int64_t> unique(study.seeds.begin(), study.seeds.end());
      if (study.seeds.empty() || unique.size() != study.seeds.size())
        throw ConfigError(source_pos(*seeds, file), "study.seeds", "expected a non-empty list of distinct seeds");
    }
  }
  if (!options.output.empty()) study.output = options.output;
  const bool safe_name = !study.name.empty() && std::all_of(study.name.begin(), study.name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  }) && study.name.front() != '.';
  if (!safe_name)
    throw ConfigError({file}, "study.name",
                      "'" + study.name + "' is not usable as a directory name (letters, digits, '_', '-', '.')");
}

// The keys an axis sets: `key = "a.b"`, or a linked axis' `keys = ["a.b", "c"]` (each value then an array with
// one element per key, so several keys move together, e.g. a sampler and the features it reads).
std::vector<std::string> axis_keys(const toml::table& table, const std::string& path, const SourcePos& pos,
                                   const std::string& file) {
  const toml::node* keys = table.get("keys");
  if (!keys) {
    const std::string key = read_string(table, path, "key", "", file);
    if (key.empty()) {
      throw ConfigError(pos, path + ".key", "missing the dotted key to sweep (or `keys` to link several)");
    }
    return {key};
  }
  if (table.get("key")) {
    throw ConfigError(source_pos(*keys, file), path, "give either `key` or `keys`, not both");
  }
  const toml::array* array = keys->as_array();
  std::vector<std::string> out;
  for (std::size_t i = 0; array && i < array->size(); ++i) {
    if (array->get(i)->is_string()) out.push_back(array->get(i)->as_string()->get());
  }
  if (!array || out.size() != array->size() || out.size() < 2) {
    throw ConfigError(source_pos(*keys, file), path + ".keys",
                      "expected an array of two or more dotted keys that move together, e.g. [\"sampler\", "
                      "\"sampler_features\"]");
  }
  return out;
}

// A swept key must name a sweepable table and be swept once.
void check_swept_key(const std::string& key, const toml::table& table, const std::string& path, const std::string& file,
                     std::set<std::string>& seen) {
  const toml::node* node = table.get(table.get("keys") ? "keys" : "key");
  const SourcePos pos = node ? source_pos(*node, file) : source_pos(table, file);
  const auto& tables = detail::top_level_tables();
  const std::string head = key.substr(0, key.find('.'));
  if (head == "study" || head == "sweep" || head == "nas" ||
      std::find(tables.begin(), tables.end(), head) == tables.end()) {
    throw ConfigError(pos, path + ".key",
                      "cannot sweep '" + key + "'. " + did_you_mean(head, tables) +
                          "A swept key starts with one of: task, encoder, supplementary, sampler, source_sampler, "
                          "sampler_features, expert_features, expert_basis, devicerep, model, train, transfer");
  }
  if (!seen.insert(key).second) throw ConfigError(pos, path + ".key", "'" + key + "' is swept twice");
}

// Every value of a linked axis is an array with one element per key.
void check_linked_values(const toml::array& values, const std::vector<std::string>& keys, const std::string& path,
                         const std::string& file) {
  for (std::size_t v = 0; v < values.size(); ++v) {
    const toml::array* parts = values.get(v)->as_array();
    if (!parts || parts->size() != keys.size()) {
      throw ConfigError(
          source_pos(*values.get(v), file), path + ".values[" + std::to_string(v) + "]",
          "expected an array of " + std::to_string(keys.size()) + " values, one per key of " + join(keys));
    }
  }
}

std::vector<Axis> parse_sweep(const toml::table& root, Study& study) {
  const std::string file = study.file.string();
  std::vector<Axis> axes;
  study.sweep_mode = "grid";
  const toml::table* sweep = optional_table(root, "sweep", file);
  if (!sweep) return axes;
  reject_unknown_keys(*sweep, "sweep", {"mode", "axes"}, file);
  study.sweep_mode = read_string(*sweep, "sweep", "mode", "grid", file);
  if (study.sweep_mode != "grid" && study.sweep_mode != "zip")
    throw ConfigError(source_pos(*sweep->get("mode"), file), "sweep.mode",
                      "'" + study.sweep_mode + "' is not a sweep mode. Choices: grid, zip");
  const toml::node* axes_node = sweep->get("axes");
  if (!axes_node) return axes;
  const toml::array* array = axes_node->as_array();
  if (!array)
    throw ConfigError(source_pos(*axes_node, file), "sweep.axes",
                      "expected an array of tables ([[sweep.axes]]), got " + toml_type_name(*axes_node));
  std::set<std::string> seen;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& entry = *array->get(i);
    const std::string path = "sweep.axes[" + std::to_string(i) + "]";
    const toml::table* table = entry.as_table();
    if (!table) throw ConfigError(source_pos(entry, file), path, "expected a table with key and values");
    reject_unknown_keys(*table, path, {"key", "keys", "values", "params"}, file);
    Axis axis;
    axis.pos = source_pos(entry, file);
    axis.keys = axis_keys(*table, path, axis.pos, file);
    for (const auto& key : axis.keys) check_swept_key(key, *table, path, file, seen);
    axis.key = join(axis.keys, "+");
    const std::string head = axis.key.substr(0, axis.key.find('.'));
    const toml::node* values = table->get("values");
    if (!values || !values->is_array() || values->as_array()->empty())
      throw ConfigError(values ? source_pos(*values, file) : axis.pos, path + ".values",
                        "expected a non-empty array of values");
    axis.count = values->as_array()->size();
    if (axis.keys.size() > 1) check_linked_values(*values->as_array(), axis.keys, path, file);
    const auto& slots = detail::component_slots();
    const bool is_type = std::any_of(slots.begin(), slots.end(), [&](const detail::ComponentSlot& s) {
      return axis.key == std::string(s.table) + ".type";
    });
    if (is_type) axis.component = head;
    if (const toml::node* params = table->get("params")) {
      if (!is_type)
        throw ConfigError(source_pos(*params, file), path + ".params",
                          "per-value params are only allowed when a single-key axis sweeps a component's type");
      if (!params->is_table())
        throw ConfigError(source_pos(*params, file), path + ".params",
                          "expected a table of per-type tables, e.g. params = { gat = { heads = 4 } }");
      std::vector<std::string> types;
      for (const auto& v : *values->as_array())
        if (v.is_string()) types.push_back(v.as_string()->get());
      for (auto&& [type, extra] : *params->as_table()) {
        const std::string name(type.str());
        if (std::find(types.begin(), types.end(), name) == types.end())
          throw ConfigError(detail::source_pos(type, extra, file), path + ".params." + name,
                            "not one of the swept values. " + did_you_mean(name, types) + "Values: " + join(types));
        if (!extra.is_table())
          throw ConfigError(source_pos(extra, file), path + ".params." + name,
                            "expected a table of " + head + " parameters, got " + toml_type_name(extra));
      }
    }
    study.swept_keys.insert(study.swept_keys.end(), axis.keys.begin(), axis.keys.end());
    axes.push_back(std::move(axis));
  }
  return axes;
}

// Sweep points as value indices per axis: grid = cartesian product, first axis outermost; zip = i-th of each.
std::vector<std::vector<std::size_t>> sweep_points(const std::vector<Axis>& axes, const std::string& mode) {
  if (axes.empty()) return {{}};
  std::vector<std::vector<std::size_t>> points;
  if (mode == "zip") {
    for (const auto& axis : axes)
      if (axis.count != axes.front().count)
        throw ConfigError(axis.pos, "sweep.axes",
                          "zip sweep needs axes of equal length: '" + axes.front().key + "' has " +
                              std::to_string(axes.front().count) + " values, '" + axis.key + "' has " +
                              std::to_string(axis.count));
    for (std::size_t i = 0; i < axes.front().count; ++i) points.emplace_back(axes.size(), i);
    return points;
  }
  std::vector<std::size_t> index(axes.size(), 0);
  while (true) {
    points.push_back(index);
    std::size_t axis = axes.size();
    while (axis > 0) {
      --axis;
      if (++index[axis] < axes[axis].count) break;
      index[axis] = 0;
      if (axis == 0) return points;
    }
  }
}

// A fresh document with the values of one sweep point put in place (moved, so they keep their source positions).
toml::table document_for_point(const Study& study, const StudyOptions& options, const std::vector<Axis>& axes,
                               const std::vector<std::size_t>& point, std::vector<SweptValue>& swept) {
  toml::table root = detail::load_study_document(study.file, options.overrides).root;
  if (!axes.empty()) {
    toml::array& entries = *root.get("sweep")->as_table()->get("axes")->as_array();
    for (std::size_t a = 0; a < axes.size(); ++a) {
      toml::table& entry = *entries.get(a)->as_table();
      toml::node& value = *entry.get("values")->as_array()->get(point[a]);
      if (axes[a].keys.size() > 1) {  // a linked axis: the value's i-th element goes to its i-th key
        toml::array& parts = *value.as_array();
        for (std::size_t k = 0; k < axes[a].keys.size(); ++k) {
          swept.push_back({axes[a].keys[k], detail::toml_plain(*parts.get(k))});
          detail::set_dotted(root, axes[a].keys[k], std::move(*parts.get(k)), axes[a].pos);
        }
        continue;
      }
      swept.push_back({axes[a].key, detail::toml_plain(value)});
      toml::table extra;
      if (!axes[a].component.empty() && value.is_string())
        if (toml::node* params = entry.get("params"))
          if (toml::node* own = params->as_table()->get(value.as_string()->get())) extra = std::move(*own->as_table());
      detail::set_dotted(root, axes[a].key, std::move(value), axes[a].pos);
      if (!extra.empty()) detail::deep_merge(*root.get(axes[a].component)->as_table(), std::move(extra));
    }
  }
  root.erase("sweep");
  root.erase("study");
  return root;
}

std::string describe(const std::vector<SweptValue>& swept) {
  std::vector<std::string> parts;
  for (const auto& s : swept) parts.push_back(s.key + "=" + s.value);
  return join(parts);
}

}  // namespace

Study load_study(const fs::path& file, const Registry& registry, const StudyOptions& options) {
  Study study;
  study.file = file;
  detail::StudyDocument base = detail::load_study_document(file, options.overrides);
  study.includes.assign(base.files.begin() + 1, base.files.end());
  const std::string file_name = file.string();
  for (auto&& [key, value] : base.root) {
    const std::string name(key.str());
    const auto& valid = detail::top_level_tables();
    if (std::find(valid.begin(), valid.end(), name) == valid.end())
      throw ConfigError(
          detail::source_pos(key, value, file_name), name,
          "unknown top-level table. " + did_you_mean(name, valid) + "Valid tables: " + join(valid) + ", and include");
  }
  parse_header(base.root, study, options);
  const toml::table* nas = optional_table(base.root, "nas", file_name);
  study.nas = resolve_params(nas_schema(), nas ? *nas : toml::table{}, "nas", file_name, {});
  const std::vector<Axis> axes = parse_sweep(base.root, study);
  for (const auto& text : options.overrides) {
    const std::string key = parse_override(text).key;
    for (const auto& axis : axes) {
      for (const auto& swept : axis.keys) {
        if (key == swept || key.rfind(swept + ".", 0) == 0 || swept.rfind(key + ".", 0) == 0) {
          spdlog::warn("--set {}: the sweep over '{}' sets this key in every run, so the override has no effect", text,
                       swept);
        }
      }
    }
  }

  detail::ResolveContext context{file_name, options.tasks_dir.empty() ? default_tasks_dir() : options.tasks_dir,
                                 options.plugins};
  std::set<std::string> keys;
  for (const auto& point : sweep_points(axes, study.sweep_mode)) {
    std::vector<SweptValue> swept;
    ExperimentConfig config;
    try {
      const toml::table root = document_for_point(study, options, axes, point, swept);
      config = detail::resolve_experiment(root, registry, context);
    } catch (const ConfigError& e) {
      if (swept.empty()) throw;
      throw ConfigError(e.pos(), e.key(), detail::bare_message(e) + " (in sweep point " + describe(swept) + ")");
    }
    config.data_dir = study.data_dir;
    for (const int64_t seed : study.seeds) {
      StudyRun run;
      run.config = config;
      run.config.seed = static_cast<uint64_t>(seed);
      run.swept = swept;
      run.resolved = resolved_run_toml(run.config);
      run.key = run_key(run.resolved);
      run.pretrain_key = run_key(pretrain_identity(run.config));
      if (!keys.insert(run.key).second)
        throw ConfigError({file_name}, "sweep",
                          "two runs resolve to the same config (" + describe(swept) + ", seed " + std::to_string(seed) +
                              "): are some sweep values repeated?");
      study.runs.push_back(std::move(run));
    }
  }
  return study;
}

}  // namespace latpred
