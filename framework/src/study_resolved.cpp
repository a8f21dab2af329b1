// The canonical resolved form of runs: the text a run key hashes, and resolved.toml of a run directory.
#include <cstdio>
#include <sstream>

#include "latpred/study.hpp"
#include "study_internal.hpp"
#include "toml_source.hpp"

namespace latpred {
namespace {

void write_params(std::ostringstream& out, const Params& params) {
  for (const auto& [name, value] : params.values()) out << name << " = " << to_string(value) << "\n";
}

// The [transfer] parameters that affect the run: the experts' only when there is an expert, the basis expert's only
// when there is a basis, so runs keep the keys they had before either existed.
Params transfer_in_effect(const ExperimentConfig& config) {
  Params out;
  for (const auto& [name, value] : config.transfer.values()) {
    if (!is_idle_expert_setting(config, name)) out.set(name, value);
  }
  return out;
}

// `array_entry` writes [[header]]: one of several components of a repeatable slot.
void write_component(std::ostringstream& out, const std::string& header, const ComponentConfig& component,
                     bool array_entry = false) {
  const char* open = array_entry ? "[[" : "[";
  const char* close = array_entry ? "]]" : "]";
  out << "\n" << open << header << close << "\ntype = " << to_string(ParamValue(component.type)) << "\n";
  write_params(out, component.params);
}

// The config tables of one run, their headers prefixed with `prefix` ("" or "run.").
void write_config(std::ostringstream& out, const ExperimentConfig& config, const std::string& prefix) {
  out << "\n[" << prefix << "task]\n"
      << "name = " << to_string(ParamValue(config.task.name)) << "\n"
      << "space = " << to_string(ParamValue(config.task.space)) << "\n"
      << "train = " << to_string(ParamValue(config.task.train)) << "\n"
      << "test = " << to_string(ParamValue(config.task.test)) << "\n";
  write_component(out, prefix + "encoder", config.encoder);
  // A single supplementary encoder keeps the [supplementary] form, so its run keys do not change.
  for (const auto& extra : config.supplementary) {
    write_component(out, prefix + "supplementary", extra, config.supplementary.size() > 1);
  }
  write_component(out, prefix + "sampler", config.sampler);
  if (config.source_sampler) write_component(out, prefix + "source_sampler", *config.source_sampler);
  // Like [supplementary]: one encoder keeps the [sampler_features] form (and its run keys).
  for (const auto& features : config.sampler_features) {
    write_component(out, prefix + "sampler_features", features, config.sampler_features.size() > 1);
  }
  for (const auto& features : config.expert_features) {
    write_component(out, prefix + "expert_features", features, config.expert_features.size() > 1);
  }
  for (const auto& features : config.expert_basis) {
    write_component(out, prefix + "expert_basis", features, config.expert_basis.size() > 1);
  }
  write_component(out, prefix + "devicerep", config.devicerep);
  write_component(out, prefix + "model", config.model);
  out << "\n[" << prefix << "train]\n";
  write_params(out, config.train);
  out << "\n[" << prefix << "transfer]\n";
  write_params(out, transfer_in_effect(config));
}

std::vector<std::string> strings_at(const toml::table& table, const std::string& key, const std::string& file) {
  std::vector<std::string> out;
  const toml::array* array = table.get_as<toml::array>(key);
  if (!array) throw ConfigError(detail::source_pos(table, file), key, "expected an array of strings");
  for (const auto& item : *array) {
    if (!item.is_string()) throw ConfigError(detail::source_pos(item, file), key, "expected a string");
    out.push_back(item.as_string()->get());
  }
  return out;
}

}  // namespace

std::string resolved_run_toml(const ExperimentConfig& config) {
  std::ostringstream out;
  out << "seed = " << config.seed << "\n";
  write_config(out, config, "");
  return out.str();
}

std::string run_key(const std::string& resolved_toml) {
  uint64_t hash = 14695981039346656037ULL;  // FNV-1a 64
  for (const unsigned char c : resolved_toml) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

std::string pretrain_identity(const ExperimentConfig& config) {
  ExperimentConfig pretraining = config;
  pretraining.sampler = {"(transfer only)", Params()};
  pretraining.transfer = Params();
  if (!pretraining.source_sampler) pretraining.sampler_features.clear();
  pretraining.expert_features.clear();  // the experts only act at transfer
  pretraining.expert_basis.clear();
  return resolved_run_toml(pretraining);
}

std::string resolved_study_toml(const Study& study) {
  std::ostringstream out;
  out << "# Resolved config of study '" << study.name << "': " << study.runs.size()
      << " runs, every default filled in.\n"
      << "# A run key is FNV-1a 64 of the run's canonical text (seed + tables below, without data_dir).\n\n"
      << "[study]\nname = " << to_string(ParamValue(study.name)) << "\n"
      << "data_dir = " << to_string(ParamValue(study.data_dir)) << "\n"
      << "seeds = " << to_string(ParamValue(study.seeds)) << "\n"
      << "sweep_mode = " << to_string(ParamValue(study.sweep_mode)) << "\n"
      << "swept_keys = " << to_string(ParamValue(study.swept_keys)) << "\n";
  for (const auto& run : study.runs) {
    out << "\n[[run]]\nkey = " << to_string(ParamValue(run.key)) << "\nseed = " << run.config.seed << "\n";
    out << "swept = {";
    for (std::size_t i = 0; i < run.swept.size(); ++i) {
      out << (i ? ", " : " ") << to_string(ParamValue(run.swept[i].key)) << " = "
          << to_string(ParamValue(run.swept[i].value));
    }
    out << (run.swept.empty() ? "}\n" : " }\n");
    write_config(out, run.config, "run.");
  }
  return out.str();
}

std::vector<StudyRun> load_resolved_runs(const std::filesystem::path& file, const Registry& registry) {
  const std::string name = file.string();
  toml::table root;
  try {
    root = toml::parse_file(name);
  } catch (const toml::parse_error& e) {
    throw ConfigError(detail::source_pos(e.source(), name), "", "TOML syntax error: " + std::string(e.description()));
  }
  const detail::ResolveContext context{name, {}, {}};
  const std::string data_dir = root["study"]["data_dir"].value_or(std::string());
  std::vector<std::string> swept_keys;  // in axis order (the swept tables themselves are sorted by key)
  if (const toml::array* keys = root["study"]["swept_keys"].as_array()) {
    for (const auto& key : *keys) swept_keys.push_back(key.value_or(std::string()));
  }
  std::vector<StudyRun> runs;
  const toml::array* entries = root.get_as<toml::array>("run");
  if (!entries) return runs;
  for (const auto& entry : *entries) {
    const toml::table* table = entry.as_table();
    if (!table) throw ConfigError(detail::source_pos(entry, name), "run", "expected [[run]] tables");
    StudyRun run;
    ExperimentConfig& config = run.config;
    config.data_dir = data_dir;
    config.seed = static_cast<uint64_t>((*table)["seed"].value_or(int64_t{0}));
    const toml::table* task = table->get_as<toml::table>("task");
    if (!task) throw ConfigError(detail::source_pos(*table, name), "run.task", "missing");
    config.task.name = (*task)["name"].value_or(std::string());
    config.task.space = (*task)["space"].value_or(std::string());
    config.task.train = strings_at(*task, "train", name);
    config.task.test = strings_at(*task, "test", name);
    for (const auto& slot : detail::component_slots()) {
      const auto components = detail::slot_tables(*table, slot, name);
      if (components.empty() && slot.required) {
        throw ConfigError(detail::source_pos(*table, name), slot.table, "missing in [[run]]");
      }
      for (const auto& entry : components) {
        detail::assign_component(config, slot.table,
                                 detail::resolve_component(*entry.table, entry.path, slot.kind, registry, context));
      }
    }
    const toml::table empty;
    const auto* train = table->get_as<toml::table>("train");
    const auto* transfer = table->get_as<toml::table>("transfer");
    config.train = resolve_params(train_schema(), train ? *train : empty, "train", name, {});
    config.transfer = resolve_params(transfer_schema(), transfer ? *transfer : empty, "transfer", name, {});
    if (const toml::table* swept = table->get_as<toml::table>("swept")) {
      for (const auto& key : swept_keys) {
        if (const toml::node* value = swept->get(key)) run.swept.push_back({key, detail::toml_plain(*value)});
      }
    }
    run.resolved = resolved_run_toml(config);
    run.key = run_key(run.resolved);
    run.pretrain_key = run_key(pretrain_identity(config));
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace latpred
