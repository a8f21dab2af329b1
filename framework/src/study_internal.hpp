// Internal pieces of the study loader (study_*.cpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "latpred/experiment.hpp"
#include "latpred/registry.hpp"

namespace latpred::detail {

// The study file with its includes merged in and the --set overrides applied. Every node keeps its source region
// (toml++ copies drop it, so documents are only ever moved, and re-loaded when a fresh copy is needed).
struct StudyDocument {
  toml::table root;
  std::vector<std::filesystem::path> files;  // the study file first, then every include in load order
};
StudyDocument load_study_document(const std::filesystem::path& file, const std::vector<std::string>& overrides);

// Deep merge: tables merge key by key, anything else in `from` replaces what is in `into`.
void deep_merge(toml::table& into, toml::table&& from);

// Puts `value` at dotted `key`, creating tables on the way. `origin` names where the assignment came from.
void set_dotted(toml::table& root, const std::string& key, toml::node&& value, const SourcePos& origin);

// Tables a study may hold at top level, and which of them are components of which kind.
struct ComponentSlot {
  const char* table;
  const char* kind;
  bool required;
  bool repeatable = false;  // may also be an array of tables ([[supplementary]]), one component per entry
};
const std::vector<ComponentSlot>& component_slots();
const std::vector<std::string>& top_level_tables();

struct ResolveContext {
  std::string file;  // the study file, for nodes without a source
  std::filesystem::path tasks_dir;
  std::vector<std::string> plugins;
};

// Resolves every config table of a merged study document (the seed is left at its default).
ExperimentConfig resolve_experiment(const toml::table& root, const Registry& registry, const ResolveContext& context);
// The tables of `slot` in `parent` with their dotted paths: none, the [slot] table ("supplementary"), or for a
// repeatable slot every entry of [[slot]] ("supplementary[1]"). Anything else is a ConfigError at the node.
struct SlotTable {
  std::string path;
  const toml::table* table;
};
std::vector<SlotTable> slot_tables(const toml::table& parent, const ComponentSlot& slot, const std::string& file);
// Stores a resolved component in the ExperimentConfig field named by its slot ("model", ...); a repeatable slot
// appends.
void assign_component(ExperimentConfig& config, const std::string& slot, ComponentConfig component);
ComponentConfig resolve_component(const toml::table& table, const std::string& path, const std::string& kind,
                                  const Registry& registry, const ResolveContext& context);

}  // namespace latpred::detail
