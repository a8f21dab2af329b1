// Internal helpers shared by params.cpp and the study loader: where a TOML node came from, what type it is, and
// its literal text, so every ConfigError can say file:line:col, what was expected and what was given.
#pragma once

#include <string>

#include <toml++/toml.h>

#include "latpred/error.hpp"

namespace latpred::detail {

inline SourcePos source_pos(const toml::source_region& region, const std::string& fallback_file) {
  SourcePos pos;
  pos.file = region.path && !region.path->empty() ? *region.path : fallback_file;
  pos.line = static_cast<int>(region.begin.line);
  pos.col = static_cast<int>(region.begin.column);
  if (pos.file.rfind("--set ", 0) == 0) pos.line = pos.col = 0;  // a command-line override: its text says it all
  return pos;
}

inline SourcePos source_pos(const toml::node& node, const std::string& fallback_file) {
  return source_pos(node.source(), fallback_file);
}

// The key's own position when the parser recorded one (keys inserted by code have none), else the value's.
inline SourcePos source_pos(const toml::key& key, const toml::node& value, const std::string& fallback_file) {
  return key.source().begin.line > 0 ? source_pos(key.source(), fallback_file) : source_pos(value, fallback_file);
}

// "int", "float", "string", ... as a user would write them in a schema.
std::string toml_type_name(const toml::node& node);

// TOML literal text of a node: "dgf" (quoted), 1.5, [5, 10], { a = 1 }.
std::string toml_literal(const toml::node& node);

// A basic TOML string with every control character (and DEL) escaped: "a\"b".
std::string toml_quoted(const std::string& text);

// Like toml_literal, but strings without quotes (for CSV columns and log lines).
std::string toml_plain(const toml::node& node);

// The message of a ConfigError without its "file:line:col: 'key': " prefix, to re-throw it with more context.
std::string bare_message(const ConfigError& error);

// "a.b" or "b" when the prefix is empty.
inline std::string dotted(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

}  // namespace latpred::detail
