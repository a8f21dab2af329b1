// A study: a TOML file (with includes, --set overrides and a sweep) resolved into a plan of runs, fully validated
// before anything runs. Each run is an ExperimentConfig with every default filled in and a run key, a stable hash
// of its canonical resolved config, which the runner uses to skip finished runs.
//
// Study file layout:
//   include = ["base.toml"]            # relative to this file; merged in order, this file last (later wins)
//   [study]  name, seeds = [1, 2], output = "runs", data_dir, description
//   [task]   see task.hpp
//   [encoder] [supplementary] [sampler] [source_sampler] [devicerep] [model]   # type = "..." + that type's params
//   [sampler_features]                  # optional encoder(s) (type + params) whose features the samplers read
//   [expert_features]                   # optional encoder(s) of the few-shot linear expert blended at transfer
//   [expert_basis]                      # optional encoder(s) of the basis expert (per-train-device additive models)
//   [train] [transfer]                  # train_schema() / transfer_schema()
//   [nas]                               # nas_schema(): read by `latpred nas` only, not part of a run key
//   [sweep]  mode = "grid" | "zip"
//   [[sweep.axes]] key = "model.type", values = ["dgf", "gat"], params = { gat = { heads = 4 } }
//   [[sweep.axes]] keys = ["sampler", "sampler_features"], values = [[{ type = "kmeans" }, { type = "cate" }], ...]
//                  (a linked axis: one point per value, its i-th element set at the i-th key)
//
// Sweeping a component's `type` re-resolves that component's table against each new type's schema: a key that the
// new type does not know is an error. Keys that only some types take belong in the axis' `params.<type>` table,
// which is merged into the component table for that value only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "latpred/experiment.hpp"
#include "latpred/export.hpp"
#include "latpred/registry.hpp"

namespace latpred {

struct StudyOptions {
  std::vector<std::string> overrides;  // "a.b=v" (--set), applied after includes; v in TOML syntax, bare words = string
  std::filesystem::path tasks_dir;     // empty: default_tasks_dir()
  std::string output;                  // non-empty: replaces [study] output (--output)
  std::vector<std::string> plugins;    // names of the loaded plugins, quoted in unknown-type errors
};

struct SweptValue {
  std::string key;    // "model.type"
  std::string value;  // plain text: strings unquoted, everything else as a TOML literal
};

struct StudyRun {
  std::string key;  // run key: 16 hex digits of FNV-1a 64 over `resolved`
  ExperimentConfig config;
  std::vector<SweptValue> swept;  // one per sweep axis, in axis order
  std::string resolved;           // canonical TOML of the run config (every default filled in)
  std::string pretrain_key;       // run_key(pretrain_identity(config)): runs sharing it share one pretraining
};

struct Study {
  std::string name;
  std::string description;
  std::filesystem::path file;                   // the study file
  std::vector<std::filesystem::path> includes;  // included files, in load order
  std::filesystem::path output;                 // run directory root
  std::string data_dir;                         // as configured ("" = resolve_data_dir's default)
  std::vector<int64_t> seeds;
  std::string sweep_mode;               // "grid" or "zip"
  std::vector<std::string> swept_keys;  // axis keys, in order
  Params nas;                           // [nas] resolved against nas_schema() (defaults when absent)
  std::vector<StudyRun> runs;           // sweep points (first axis outermost) x seeds (innermost)

  std::filesystem::path run_dir() const { return output / name; }
};

// Loads, merges, overrides, expands and validates a study. Throws ConfigError (file:line:col) on any problem.
LATPRED_API Study load_study(const std::filesystem::path& file, const Registry& registry,
                             const StudyOptions& options = {});

// Canonical TOML of one run config: seed, [task], each component, [train], [transfer]; data_dir is left out so a
// run key does not depend on where the data lives.
LATPRED_API std::string resolved_run_toml(const ExperimentConfig& config);
LATPRED_API std::string run_key(const std::string& resolved_toml);
// The part of a run's canonical text that determines its pretrained state: everything but [sampler] and
// [transfer] (and [sampler_features] unless a [source_sampler] reads them). Runs that differ only in how they
// transfer share it, and so can share one pretraining (PretrainStore).
LATPRED_API std::string pretrain_identity(const ExperimentConfig& config);

// resolved.toml of a run directory: every run of the study as a [[run]] entry (key, swept values, config).
LATPRED_API std::string resolved_study_toml(const Study& study);
// Reads resolved.toml back (components re-resolved against `registry`) and recomputes each run's key.
LATPRED_API std::vector<StudyRun> load_resolved_runs(const std::filesystem::path& file, const Registry& registry);

// Splits "a.b=v" into the key and a TOML value; throws ConfigError for a malformed override.
struct Override {
  std::string key;
  std::string value_text;  // v as given
};
LATPRED_API Override parse_override(const std::string& text);

}  // namespace latpred
