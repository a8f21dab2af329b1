// Parameter schemas and resolved parameter sets of components.
//
// Every component type declares a Schema (name, type, default, range/choices, doc). A TOML table is validated
// against it before anything runs: unknown keys, wrong types, out-of-range values and missing required keys are
// ConfigErrors with file:line:col. The resolved Params hold every key, defaults filled in.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <toml++/toml.h>

#include "latpred/error.hpp"
#include "latpred/export.hpp"

namespace latpred {

enum class ParamType { Bool, Int, Float, String, IntList, FloatList, StringList };
LATPRED_API std::string to_string(ParamType type);

using ParamValue = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>, std::vector<double>,
                                std::vector<std::string>>;
LATPRED_API std::string to_string(const ParamValue& value);  // TOML literal syntax

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Int;
  std::optional<ParamValue> default_value;  // none = required
  std::optional<double> min;                // inclusive; for lists: every element
  std::optional<double> max;
  std::vector<std::string> choices;  // for String / StringList: allowed values
  std::string doc;
};

class LATPRED_API Schema {
 public:
  // Fluent builders; each returns *this so a schema reads as one expression.
  Schema& flag(const std::string& name, bool def, const std::string& doc);
  Schema& integer(const std::string& name, int64_t def, const std::string& doc,
                  std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
  Schema& real(const std::string& name, double def, const std::string& doc, std::optional<double> min = std::nullopt,
               std::optional<double> max = std::nullopt);
  Schema& text(const std::string& name, const std::string& def, const std::string& doc);
  Schema& choice(const std::string& name, const std::string& def, std::vector<std::string> choices,
                 const std::string& doc);
  Schema& integers(const std::string& name, std::vector<int64_t> def, const std::string& doc,
                   std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
  Schema& reals(const std::string& name, std::vector<double> def, const std::string& doc,
                std::optional<double> min = std::nullopt, std::optional<double> max = std::nullopt);
  Schema& texts(const std::string& name, std::vector<std::string> def, const std::string& doc,
                std::vector<std::string> choices = {});
  Schema& required(const std::string& name, ParamType type, const std::string& doc);
  Schema& add(ParamSpec spec);  // throws std::logic_error on a duplicate name or a default that violates the spec

  const std::vector<ParamSpec>& specs() const { return specs_; }
  const ParamSpec* find(const std::string& name) const;
  std::vector<std::string> names() const;

 private:
  std::vector<ParamSpec> specs_;
};

// A resolved parameter set: every schema key present, typed. Getters throw ConfigError on a missing key or a type
// mismatch (a programming error in a component, reported clearly rather than crashing).
class LATPRED_API Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, ParamValue> values) : values_(std::move(values)) {}

  bool has(const std::string& key) const { return values_.count(key) != 0; }
  bool get_bool(const std::string& key) const;
  int64_t get_int(const std::string& key) const;
  double get_float(const std::string& key) const;  // ints are widened
  const std::string& get_string(const std::string& key) const;
  std::vector<int64_t> get_ints(const std::string& key) const;
  std::vector<double> get_floats(const std::string& key) const;
  std::vector<std::string> get_strings(const std::string& key) const;

  void set(const std::string& key, ParamValue value) { values_[key] = std::move(value); }
  const std::map<std::string, ParamValue>& values() const { return values_; }

 private:
  const ParamValue& at(const std::string& key) const;
  std::map<std::string, ParamValue> values_;
};

// Validates `table` against `schema` and fills defaults. `path` is the dotted location of the table for messages
// ("model"), `file` the TOML file name. Keys in `ignored` (e.g. "type") are skipped.
LATPRED_API Params resolve_params(const Schema& schema, const toml::table& table, const std::string& path,
                                  const std::string& file, const std::vector<std::string>& ignored = {"type"});

// All defaults of a schema; throws ConfigError naming the first required key.
LATPRED_API Params default_params(const Schema& schema, const std::string& path = "");

}  // namespace latpred
