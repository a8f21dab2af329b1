// Schema builders (with validation of defaults), Params getters and the TOML literal form of parameter values.
#include "latpred/params.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "toml_source.hpp"

namespace latpred {

std::string to_string(ParamType type) {
  switch (type) {
    case ParamType::Bool:
      return "bool";
    case ParamType::Int:
      return "int";
    case ParamType::Float:
      return "float";
    case ParamType::String:
      return "string";
    case ParamType::IntList:
      return "int list";
    case ParamType::FloatList:
      return "float list";
    case ParamType::StringList:
      return "string list";
  }
  return "unknown";
}

namespace {

// Shortest text that reads back as the same double; always has a '.' or an exponent, as TOML requires of floats.
std::string float_literal(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  std::string out = buffer;
  if (out.find_first_of(".eEn") == std::string::npos) out += ".0";
  return out;
}

template <class T, class Format>
std::string list_literal(const std::vector<T>& items, Format format) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + format(items[i]);
  return out + "]";
}

// Which ParamType a value holds (the variant index order matches ParamType's order).
ParamType type_of(const ParamValue& value) { return static_cast<ParamType>(value.index()); }

std::string range_text(const ParamSpec& spec) {
  const auto bound = [](const std::optional<double>& b, const char* none) {
    return b ? float_literal(*b) : std::string(none);
  };
  return "[" + bound(spec.min, "-inf") + ", " + bound(spec.max, "inf") + "]";
}

// Throws std::logic_error when a schema's default breaks its own spec: that is a bug in the component.
void check_default(const ParamSpec& spec) {
  if (!spec.default_value) return;
  const ParamValue& value = *spec.default_value;
  const std::string where = "parameter '" + spec.name + "': default " + to_string(value);
  if (type_of(value) != spec.type) throw std::logic_error(where + " is not of type " + to_string(spec.type));
  const auto check_number = [&](double x) {
    if ((spec.min && x < *spec.min) || (spec.max && x > *spec.max))
      throw std::logic_error(where + " is outside its range " + range_text(spec));
  };
  const auto check_choice = [&](const std::string& s) {
    if (spec.choices.empty()) return;
    for (const auto& c : spec.choices)
      if (c == s) return;
    throw std::logic_error(where + " is not one of its choices");
  };
  if (auto v = std::get_if<int64_t>(&value)) check_number(static_cast<double>(*v));
  if (auto v = std::get_if<double>(&value)) check_number(*v);
  if (auto v = std::get_if<std::string>(&value)) check_choice(*v);
  if (auto v = std::get_if<std::vector<int64_t>>(&value))
    for (auto x : *v) check_number(static_cast<double>(x));
  if (auto v = std::get_if<std::vector<double>>(&value))
    for (auto x : *v) check_number(x);
  if (auto v = std::get_if<std::vector<std::string>>(&value))
    for (const auto& x : *v) check_choice(x);
}

}  // namespace

std::string to_string(const ParamValue& value) {
  struct Visitor {
    std::string operator()(bool v) const { return v ? "true" : "false"; }
    std::string operator()(int64_t v) const { return std::to_string(v); }
    std::string operator()(double v) const { return float_literal(v); }
    std::string operator()(const std::string& v) const { return detail::toml_quoted(v); }
    std::string operator()(const std::vector<int64_t>& v) const {
      return list_literal(v, [](int64_t x) { return std::to_string(x); });
    }
    std::string operator()(const std::vector<double>& v) const { return list_literal(v, float_literal); }
    std::string operator()(const std::vector<std::string>& v) const { return list_literal(v, detail::toml_quoted); }
  };
  return std::visit(Visitor{}, value);
}

Schema& Schema::flag(const std::string& name, bool def, const std::string& doc) {
  return add({name, ParamType::Bool, def, std::nullopt, std::nullopt, {}, doc});
}

Schema& Schema::integer(const std::string& name, int64_t def, const std::string& doc, std::optional<double> min,
                        std::optional<double> max) {
  return add({name, ParamType::Int, def, min, max, {}, doc});
}

Schema& Schema::real(const std::string& name, double def, const std::string& doc, std::optional<double> min,
                     std::optional<double> max) {
  return add({name, ParamType::Float, def, min, max, {}, doc});
}

Schema& Schema::text(const std::string& name, const std::string& def, const std::string& doc) {
  return add({name, ParamType::String, def, std::nullopt, std::nullopt, {}, doc});
}

Schema& Schema::choice(const std::string& name, const std::string& def, std::vector<std::string> choices,
                       const std::string& doc) {
  if (choices.empty()) throw std::logic_error("parameter '" + name + "': a choice needs at least one option");
  return add({name, ParamType::String, def, std::nullopt, std::nullopt, std::move(choices), doc});
}

Schema& Schema::integers(const std::string& name, std::vector<int64_t> def, const std::string& doc,
                         std::optional<double> min, std::optional<double> max) {
  return add({name, ParamType::IntList, std::move(def), min, max, {}, doc});
}

Schema& Schema::reals(const std::string& name, std::vector<double> def, const std::string& doc,
                      std::optional<double> min, std::optional<double> max) {
  return add({name, ParamType::FloatList, std::move(def), min, max, {}, doc});
}

Schema& Schema::texts(const std::string& name, std::vector<std::string> def, const std::string& doc,
                      std::vector<std::string> choices) {
  return add({name, ParamType::StringList, std::move(def), std::nullopt, std::nullopt, std::move(choices), doc});
}

Schema& Schema::required(const std::string& name, ParamType type, const std::string& doc) {
  return add({name, type, std::nullopt, std::nullopt, std::nullopt, {}, doc});
}

Schema& Schema::add(ParamSpec spec) {
  if (spec.name.empty()) throw std::logic_error("schema parameter with an empty name");
  if (find(spec.name)) throw std::logic_error("duplicate schema parameter '" + spec.name + "'");
  if (spec.min && spec.max && *spec.min > *spec.max) throw std::logic_error("parameter '" + spec.name + "': min > max");
  check_default(spec);
  specs_.push_back(std::move(spec));
  return *this;
}

const ParamSpec* Schema::find(const std::string& name) const {
  for (const auto& spec : specs_)
    if (spec.name == name) return &spec;
  return nullptr;
}

std::vector<std::string> Schema::names() const {
  std::vector<std::string> out;
  for (const auto& spec : specs_) out.push_back(spec.name);
  return out;
}

const ParamValue& Params::at(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) {
    std::vector<std::string> known;
    for (const auto& [name, value] : values_) known.push_back(name);
    throw ConfigError({}, key,
                      "parameter is not set. " + did_you_mean(key, known) + "Parameters present: " + join(known));
  }
  return it->second;
}

namespace {

template <class T>
const T& get_as(const ParamValue& value, const std::string& key, ParamType wanted) {
  if (auto v = std::get_if<T>(&value)) return *v;
  throw ConfigError(
      {}, key,
      "parameter holds a " + to_string(type_of(value)) + " (" + to_string(value) + "), expected " + to_string(wanted));
}

}  // namespace

bool Params::get_bool(const std::string& key) const { return get_as<bool>(at(key), key, ParamType::Bool); }

int64_t Params::get_int(const std::string& key) const { return get_as<int64_t>(at(key), key, ParamType::Int); }

double Params::get_float(const std::string& key) const {
  const ParamValue& value = at(key);
  if (auto v = std::get_if<int64_t>(&value)) return static_cast<double>(*v);
  return get_as<double>(value, key, ParamType::Float);
}

const std::string& Params::get_string(const std::string& key) const {
  return get_as<std::string>(at(key), key, ParamType::String);
}

std::vector<int64_t> Params::get_ints(const std::string& key) const {
  return get_as<std::vector<int64_t>>(at(key), key, ParamType::IntList);
}

std::vector<double> Params::get_floats(const std::string& key) const {
  const ParamValue& value = at(key);
  if (auto v = std::get_if<std::vector<int64_t>>(&value)) return {v->begin(), v->end()};
  return get_as<std::vector<double>>(value, key, ParamType::FloatList);
}

std::vector<std::string> Params::get_strings(const std::string& key) const {
  return get_as<std::vector<std::string>>(at(key), key, ParamType::StringList);
}

}  // namespace latpred
