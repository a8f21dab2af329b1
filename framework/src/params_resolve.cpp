// Validation of a TOML table against a Schema: every error names file:line:col, the dotted key, what was expected
// and what was given.
#include <algorithm>
#include <cmath>

#include "latpred/params.hpp"
#include "toml_source.hpp"

namespace latpred {
namespace {

struct Context {
  const ParamSpec& spec;
  std::string key;   // dotted, for messages
  std::string file;  // fallback when a node has no source path
};

std::string number_text(double x) {
  return x == std::floor(x) && std::abs(x) < 1e15 ? std::to_string(static_cast<int64_t>(x)) : to_string(ParamValue(x));
}

[[noreturn]] void wrong_type(const Context& ctx, const toml::node& node, const std::string& expected,
                             const std::string& element = "") {
  throw ConfigError(detail::source_pos(node, ctx.file), ctx.key,
                    element + "expected " + expected + ", got " + detail::toml_type_name(node) + " " +
                        detail::toml_literal(node) + (ctx.spec.doc.empty() ? "" : " (" + ctx.spec.doc + ")"));
}

void check_range(const Context& ctx, const toml::node& node, double x, const std::string& element) {
  const bool low = ctx.spec.min && x < *ctx.spec.min;
  const bool high = ctx.spec.max && x > *ctx.spec.max;
  if (!low && !high) return;
  const std::string min = ctx.spec.min ? number_text(*ctx.spec.min) : "-inf";
  const std::string max = ctx.spec.max ? number_text(*ctx.spec.max) : "inf";
  throw ConfigError(detail::source_pos(node, ctx.file), ctx.key,
                    element + "value " + detail::toml_literal(node) + " is out of range [" + min + ", " + max + "]");
}

void check_choice(const Context& ctx, const toml::node& node, const std::string& value, const std::string& element) {
  const auto& choices = ctx.spec.choices;
  if (choices.empty() || std::find(choices.begin(), choices.end(), value) != choices.end()) return;
  throw ConfigError(
      detail::source_pos(node, ctx.file), ctx.key,
      element + "'" + value + "' is not a valid choice. " + did_you_mean(value, choices) + "Choices: " + join(choices));
}

int64_t read_int(const Context& ctx, const toml::node& node, const std::string& element = "") {
  auto v = node.as_integer();
  if (!v) wrong_type(ctx, node, "int", element);
  check_range(ctx, node, static_cast<double>(v->get()), element);
  return v->get();
}

// Ints are accepted where floats are expected ("lr = 1" means 1.0).
double read_float(const Context& ctx, const toml::node& node, const std::string& element = "") {
  double x = 0.0;
  if (auto v = node.as_floating_point()) {
    x = v->get();
  } else if (auto i = node.as_integer()) {
    x = static_cast<double>(i->get());
  } else {
    wrong_type(ctx, node, "float", element);
  }
  check_range(ctx, node, x, element);
  return x;
}

std::string read_string(const Context& ctx, const toml::node& node, const std::string& element = "") {
  auto v = node.as_string();
  if (!v)
    wrong_type(ctx, node, ctx.spec.choices.empty() ? "string" : "string (one of " + join(ctx.spec.choices) + ")",
               element);
  check_choice(ctx, node, v->get(), element);
  return v->get();
}

template <class T, class Read>
std::vector<T> read_list(const Context& ctx, const toml::node& node, Read read) {
  auto array = node.as_array();
  if (!array) wrong_type(ctx, node, to_string(ctx.spec.type));
  std::vector<T> out;
  for (std::size_t i = 0; i < array->size(); ++i)
    out.push_back(read(ctx, *array->get(i), "element " + std::to_string(i) + ": "));
  return out;
}

ParamValue read_value(const Context& ctx, const toml::node& node) {
  switch (ctx.spec.type) {
    case ParamType::Bool:
      if (auto v = node.as_boolean()) return v->get();
      wrong_type(ctx, node, "bool");
    case ParamType::Int:
      return read_int(ctx, node);
    case ParamType::Float:
      return read_float(ctx, node);
    case ParamType::String:
      return read_string(ctx, node);
    case ParamType::IntList:
      return read_list<int64_t>(ctx, node, read_int);
    case ParamType::FloatList:
      return read_list<double>(ctx, node, read_float);
    case ParamType::StringList:
      return read_list<std::string>(ctx, node, read_string);
  }
  wrong_type(ctx, node, to_string(ctx.spec.type));
}

}  // namespace

Params resolve_params(const Schema& schema, const toml::table& table, const std::string& path, const std::string& file,
                      const std::vector<std::string>& ignored) {
  std::map<std::string, ParamValue> values;
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    if (std::find(ignored.begin(), ignored.end(), name) != ignored.end()) continue;
    const ParamSpec* spec = schema.find(name);
    if (!spec) {
      const auto valid = schema.names();
      throw ConfigError(detail::source_pos(key, node, file), detail::dotted(path, name),
                        "unknown parameter. " + did_you_mean(name, valid) +
                            (valid.empty() ? "This table takes no parameters." : "Valid keys: " + join(valid)));
    }
    values.emplace(name, read_value(Context{*spec, detail::dotted(path, name), file}, node));
  }
  for (const auto& spec : schema.specs()) {
    if (values.count(spec.name)) continue;
    if (!spec.default_value)
      throw ConfigError(detail::source_pos(table, file), detail::dotted(path, spec.name),
                        "missing required parameter (" + to_string(spec.type) + "): " + spec.doc);
    values.emplace(spec.name, *spec.default_value);
  }
  return Params(std::move(values));
}

Params default_params(const Schema& schema, const std::string& path) {
  std::map<std::string, ParamValue> values;
  for (const auto& spec : schema.specs()) {
    if (!spec.default_value)
      throw ConfigError({}, detail::dotted(path, spec.name),
                        "missing required parameter (" + to_string(spec.type) + "): " + spec.doc);
    values.emplace(spec.name, *spec.default_value);
  }
  return Params(std::move(values));
}

}  // namespace latpred
