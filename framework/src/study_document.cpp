// Loading a study document: parse, includes (relative to the including file, cycles and missing files are errors),
// deep merge, and --set overrides.
#include <algorithm>

#include "latpred/study.hpp"
#include "study_internal.hpp"
#include "toml_source.hpp"

namespace fs = std::filesystem;

namespace latpred {
namespace detail {
namespace {

toml::table parse_toml_file(const fs::path& file, const SourcePos& included_from) {
  if (!fs::is_regular_file(file)) {
    if (included_from.file.empty()) throw ConfigError({file.string()}, "", "study file not found");
    throw ConfigError(included_from, "include", "included file not found: " + file.string());
  }
  try {
    return toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw ConfigError(source_pos(e.source(), file.string()), "", "TOML syntax error: " + std::string(e.description()));
  }
}

struct IncludeLoader {
  std::vector<fs::path> stack;  // canonical paths of the files being loaded, for cycle detection
  std::vector<fs::path> files;

  toml::table load(const fs::path& file, const SourcePos& included_from) {
    const fs::path canonical = fs::weakly_canonical(file);
    if (std::find(stack.begin(), stack.end(), canonical) != stack.end()) {
      std::string chain;
      for (const auto& f : stack) chain += f.filename().string() + " -> ";
      throw ConfigError(included_from, "include", "include cycle: " + chain + canonical.filename().string());
    }
    toml::table document = parse_toml_file(file, included_from);
    files.push_back(file);
    stack.push_back(canonical);
    toml::table merged;
    if (toml::node* includes = document.get("include")) {
      const auto* array = includes->as_array();
      if (!array && !includes->is_string())
        throw ConfigError(source_pos(*includes, file.string()), "include",
                          "expected a file name or an array of file names, got " + toml_type_name(*includes));
      const auto include_one = [&](const toml::node& entry) {
        const auto* name = entry.as_string();
        if (!name)
          throw ConfigError(source_pos(entry, file.string()), "include",
                            "expected a file name (string), got " + toml_type_name(entry));
        const fs::path target = file.parent_path() / name->get();
        deep_merge(merged, load(target, source_pos(entry, file.string())));
      };
      if (array) {
        for (const auto& entry : *array) include_one(entry);
      } else {
        include_one(*includes);
      }
      document.erase("include");
    }
    stack.pop_back();
    deep_merge(merged, std::move(document));
    return merged;
  }
};

// Parses the value of an override as TOML; anything that is not a TOML value is taken as a bare string.
toml::table parse_override_value(const Override& assignment, const std::string& origin) {
  try {
    toml::table parsed = toml::parse("v = " + assignment.value_text, origin);
    if (parsed.size() == 1 && parsed.contains("v")) return parsed;
  } catch (const toml::parse_error&) {
  }
  return toml::parse("v = " + to_string(ParamValue(assignment.value_text)), origin);
}

}  // namespace

void deep_merge(toml::table& into, toml::table&& from) {
  for (auto&& [key, value] : from) {
    toml::node* existing = into.get(key.str());
    if (existing && existing->is_table() && value.is_table()) {
      deep_merge(*existing->as_table(), std::move(*value.as_table()));
    } else {
      into.insert_or_assign(key, std::move(value));
    }
  }
}

void set_dotted(toml::table& root, const std::string& key, toml::node&& value, const SourcePos& origin) {
  toml::table* table = &root;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    const std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) throw ConfigError(origin, key, "malformed dotted key (empty part)");
    if (dot == std::string::npos) {
      // A table without a type adjusts the table it lands on ([train], or a component's params): merging keeps
      // what includes set. A table with a type starts a component afresh (its schema may differ).
      toml::node* existing = table->get(part);
      if (existing && existing->is_table() && value.is_table() && !value.as_table()->contains("type")) {
        deep_merge(*existing->as_table(), std::move(*value.as_table()));
      } else {
        table->insert_or_assign(part, std::move(value));
      }
      return;
    }
    toml::node* child = table->get(part);
    if (!child) child = &table->insert_or_assign(part, toml::table{}).first->second;
    if (!child->is_table())
      throw ConfigError(
          origin, key,
          "cannot set a key inside '" + key.substr(0, dot) + "': it is a " + toml_type_name(*child) + ", not a table");
    table = child->as_table();
    start = dot + 1;
  }
}

StudyDocument load_study_document(const fs::path& file, const std::vector<std::string>& overrides) {
  IncludeLoader loader;
  StudyDocument document;
  document.root = loader.load(file, {});
  document.files = std::move(loader.files);
  for (const auto& text : overrides) {
    const Override assignment = parse_override(text);
    const std::string origin = "--set " + text;
    toml::table parsed = parse_override_value(assignment, origin);
    set_dotted(document.root, assignment.key, std::move(*parsed.get("v")), SourcePos{origin, 0, 0});
  }
  return document;
}

}  // namespace detail

Override parse_override(const std::string& text) {
  const SourcePos origin{"--set " + text, 0, 0};
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos) throw ConfigError(origin, "", "expected KEY=VALUE (e.g. --set model.hidden=256)");
  const auto trim = [](std::string s) {
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
  };
  Override out{trim(text.substr(0, equals)), trim(text.substr(equals + 1))};
  const bool valid_key = !out.key.empty() && out.key.front() != '.' && out.key.back() != '.' &&
                         out.key.find("..") == std::string::npos &&
                         std::all_of(out.key.begin(), out.key.end(), [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
                         });
  if (!valid_key) throw ConfigError(origin, out.key, "expected a dotted key of letters, digits, '_' and '-'");
  if (out.value_text.empty()) throw ConfigError(origin, out.key, "missing value after '='");
  return out;
}

}  // namespace latpred
