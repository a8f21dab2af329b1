// Resolving a merged study document into an ExperimentConfig: task, components against their type's schema,
// [train] and [transfer] against the kernel schemas.
#include "latpred/study.hpp"
#include "latpred/task.hpp"
#include "study_internal.hpp"
#include "toml_source.hpp"

namespace latpred::detail {

const std::vector<ComponentSlot>& component_slots() {
  static const std::vector<ComponentSlot> slots = {
      {"encoder", kind::kEncoder, true},
      {"supplementary", kind::kEncoder, false, true},
      {"sampler", kind::kSampler, true},
      {"source_sampler", kind::kSampler, false},
      {"sampler_features", kind::kEncoder, false, true},
      {"expert_features", kind::kEncoder, false, true},
      {"expert_basis", kind::kEncoder, false, true},
      {"devicerep", kind::kDeviceRep, true},
      {"model", kind::kModel, true},
  };
  return slots;
}

const std::vector<std::string>& top_level_tables() {
  static const std::vector<std::string> names = {"study",
                                                 "task",
                                                 "encoder",
                                                 "supplementary",
                                                 "sampler",
                                                 "source_sampler",
                                                 "sampler_features",
                                                 "expert_features",
                                                 "expert_basis",
                                                 "devicerep",
                                                 "model",
                                                 "train",
                                                 "transfer",
                                                 "sweep",
                                                 "nas"};
  return names;
}

namespace {

std::string available_types(const Registry& registry, const std::string& kind, const ResolveContext& context) {
  const auto types = registry.types(kind);
  std::string out =
      types.empty() ? "No " + kind + " types are registered" : "Registered " + kind + " types: " + join(types);
  out += context.plugins.empty() ? " (no plugins loaded)." : " (plugins loaded: " + join(context.plugins) + ").";
  return out;
}

const toml::table* table_at(const toml::table& root, const std::string& name, const ResolveContext& context) {
  const toml::node* node = root.get(name);
  if (!node) return nullptr;
  if (!node->is_table()) {
    throw ConfigError(source_pos(*node, context.file), name,
                      "expected a table ([" + name + "]), got " + toml_type_name(*node) + " " + toml_literal(*node));
  }
  return node->as_table();
}

}  // namespace

std::vector<SlotTable> slot_tables(const toml::table& parent, const ComponentSlot& slot, const std::string& file) {
  const toml::node* node = parent.get(slot.table);
  if (!node) return {};
  if (node->is_table()) return {{slot.table, node->as_table()}};
  const std::string expected =
      slot.repeatable ? "a table ([" + std::string(slot.table) + "]) or an array of tables ([[" + slot.table + "]])"
                      : "a table ([" + std::string(slot.table) + "])";
  const toml::array* array = node->as_array();
  if (!slot.repeatable || !array) {
    throw ConfigError(source_pos(*node, file), slot.table,
                      "expected " + expected + ", got " + toml_type_name(*node) + " " + toml_literal(*node));
  }
  std::vector<SlotTable> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& entry = *array->get(i);
    const std::string path = std::string(slot.table) + "[" + std::to_string(i) + "]";
    if (!entry.is_table()) {
      throw ConfigError(
          source_pos(entry, file), path,
          "expected " + expected + "; this entry is " + toml_type_name(entry) + " " + toml_literal(entry));
    }
    out.push_back({path, entry.as_table()});
  }
  return out;
}

ComponentConfig resolve_component(const toml::table& table, const std::string& path, const std::string& kind,
                                  const Registry& registry, const ResolveContext& context) {
  const toml::node* type_node = table.get("type");
  if (!type_node) {
    throw ConfigError(source_pos(table, context.file), path + ".type",
                      "missing 'type'. " + available_types(registry, kind, context));
  }
  const auto* type = type_node->as_string();
  if (!type) {
    throw ConfigError(source_pos(*type_node, context.file), path + ".type",
                      "expected a string (a " + kind + " type), got " + toml_type_name(*type_node));
  }
  const ComponentSpec* spec = registry.find(kind, type->get());
  if (!spec) {
    try {
      registry.get(kind, type->get());  // throws the registry's message: closest types first, did you mean
    } catch (const ConfigError& e) {
      const std::string plugins =
          context.plugins.empty() ? " (no plugins loaded)" : " Plugins loaded: " + join(context.plugins) + ".";
      throw ConfigError(source_pos(*type_node, context.file), path + ".type", bare_message(e) + plugins);
    }
  }
  return ComponentConfig{type->get(), resolve_params(spec->schema, table, path, context.file)};
}

void assign_component(ExperimentConfig& config, const std::string& slot, ComponentConfig component) {
  if (slot == "encoder") {
    config.encoder = std::move(component);
  } else if (slot == "supplementary") {
    config.supplementary.push_back(std::move(component));
  } else if (slot == "sampler") {
    config.sampler = std::move(component);
  } else if (slot == "source_sampler") {
    config.source_sampler = std::move(component);
  } else if (slot == "sampler_features") {
    config.sampler_features.push_back(std::move(component));
  } else if (slot == "expert_features") {
    config.expert_features.push_back(std::move(component));
  } else if (slot == "expert_basis") {
    config.expert_basis.push_back(std::move(component));
  } else if (slot == "devicerep") {
    config.devicerep = std::move(component);
  } else if (slot == "model") {
    config.model = std::move(component);
  }
}

ExperimentConfig resolve_experiment(const toml::table& root, const Registry& registry, const ResolveContext& context) {
  ExperimentConfig config;
  const toml::table* task = table_at(root, "task", context);
  if (!task) throw ConfigError({context.file}, "task", "missing [task] table (name = \"N1\", or space/train/test)");
  config.task = parse_task(*task, context.file, context.tasks_dir);

  for (const auto& slot : component_slots()) {
    const std::vector<SlotTable> tables = slot_tables(root, slot, context.file);
    if (tables.empty() && slot.required) {
      throw ConfigError({context.file}, slot.table,
                        std::string("missing [") + slot.table + "] table with a type. " +
                            available_types(registry, slot.kind, context));
    }
    for (const SlotTable& entry : tables) {
      assign_component(config, slot.table, resolve_component(*entry.table, entry.path, slot.kind, registry, context));
    }
  }

  const toml::table empty;
  const toml::table* train = table_at(root, "train", context);
  const toml::table* transfer = table_at(root, "transfer", context);
  config.train = resolve_params(train_schema(), train ? *train : empty, "train", context.file, {});
  config.transfer = resolve_params(transfer_schema(), transfer ? *transfer : empty, "transfer", context.file, {});
  return config;
}

}  // namespace latpred::detail
