#include "toml_source.hpp"

#include <cstdio>
#include <sstream>

#include "latpred/params.hpp"

namespace latpred::detail {

std::string toml_type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::boolean:
      return "bool";
    case toml::node_type::integer:
      return "int";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::string:
      return "string";
    case toml::node_type::array:
      return "array";
    case toml::node_type::table:
      return "table";
    case toml::node_type::date:
      return "date";
    case toml::node_type::time:
      return "time";
    case toml::node_type::date_time:
      return "date-time";
    default:
      return "nothing";
  }
}

std::string toml_literal(const toml::node& node) {
  if (auto v = node.as_boolean()) return to_string(ParamValue(v->get()));
  if (auto v = node.as_integer()) return to_string(ParamValue(v->get()));
  if (auto v = node.as_floating_point()) return to_string(ParamValue(v->get()));
  if (auto v = node.as_string()) return to_string(ParamValue(v->get()));
  if (auto array = node.as_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < array->size(); ++i) out += (i ? ", " : "") + toml_literal(*array->get(i));
    return out + "]";
  }
  if (auto table = node.as_table()) {
    std::string out = "{";
    bool first = true;
    for (auto&& [key, value] : *table) {
      out += (first ? " " : ", ") + std::string(key.str()) + " = " + toml_literal(value);
      first = false;
    }
    return out + (first ? "}" : " }");
  }
  std::ostringstream stream;  // dates and times: toml++'s own formatting is already TOML syntax
  node.visit([&](auto&& value) { stream << value; });
  return stream.str();
}

std::string toml_plain(const toml::node& node) {
  if (auto v = node.as_string()) return v->get();
  return toml_literal(node);
}

std::string bare_message(const ConfigError& error) {
  std::string prefix = error.pos().str() + ": ";
  if (!error.key().empty()) prefix += "'" + error.key() + "': ";
  const std::string what = error.what();
  return what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
}

std::string toml_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace latpred::detail
