#include "latpred/registry.hpp"

#include <set>

namespace latpred {

void Registry::add(ComponentSpec spec) {
  if (spec.kind.empty() || spec.type.empty()) throw Error("component registered with an empty kind or type");
  if (!spec.create) throw Error("component " + spec.kind + " '" + spec.type + "' registered without a factory");
  auto key = std::make_pair(spec.kind, spec.type);
  auto it = specs_.find(key);
  if (it != specs_.end()) {
    const ComponentSpec& old = it->second;
    throw Error("duplicate component " + spec.kind + " '" + spec.type + "': already registered by plugin '" +
                old.plugin + "'" + (old.file.empty() ? "" : " (" + old.file + ")"));
  }
  specs_.emplace(std::move(key), std::move(spec));
}

const ComponentSpec* Registry::find(const std::string& kind, const std::string& type) const {
  auto it = specs_.find(std::make_pair(kind, type));
  return it == specs_.end() ? nullptr : &it->second;
}

const ComponentSpec& Registry::get(const std::string& kind, const std::string& type) const {
  if (const ComponentSpec* spec = find(kind, type)) return *spec;
  const auto known = types(kind);
  std::string message = "unknown " + kind + " type '" + type + "'. " + did_you_mean(type, known);
  message += known.empty() ? "No " + kind + " types are registered (no plugin of that kind loaded)."
                           : "Registered " + kind + " types: " + join(closest_first(type, known)) + ".";
  throw ConfigError({}, kind + ".type", message);
}

std::vector<std::string> Registry::kinds() const {
  std::set<std::string> out;
  for (const auto& [key, spec] : specs_) out.insert(key.first);
  return {out.begin(), out.end()};
}

std::vector<std::string> Registry::types(const std::string& kind) const {
  std::vector<std::string> out;
  for (const auto& [key, spec] : specs_)
    if (key.first == kind) out.push_back(key.second);
  return out;
}

std::vector<const ComponentSpec*> Registry::all() const {
  std::vector<const ComponentSpec*> out;
  for (const auto& [key, spec] : specs_) out.push_back(&spec);
  return out;
}

std::shared_ptr<Component> Registry::create(const std::string& kind, const std::string& type,
                                            const Params& params) const {
  const ComponentSpec& spec = get(kind, type);
  std::shared_ptr<Component> obj = spec.create(params);
  if (!obj) throw Error("factory of " + kind + " '" + type + "' returned null");
  return obj;
}

void Registry::merge(Registry&& other) {
  for (const auto& [key, spec] : other.specs_) {
    if (const ComponentSpec* old = find(key.first, key.second)) {
      throw Error("duplicate component " + key.first + " '" + key.second + "' from plugin '" + spec.plugin + "' (" +
                  spec.file + "): already registered by plugin '" + old->plugin + "'" +
                  (old->file.empty() ? "" : " (" + old->file + ")"));
    }
  }
  for (auto& [key, spec] : other.specs_) specs_.emplace(key, std::move(spec));
  other.specs_.clear();
}

}  // namespace latpred
