// The registry of component factories, keyed by (kind, type). Plugins add to it from their register function;
// the pipeline runner creates components from it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "latpred/component.hpp"
#include "latpred/error.hpp"
#include "latpred/export.hpp"
#include "latpred/params.hpp"

namespace latpred {

using ComponentFactory = std::function<std::shared_ptr<Component>(const Params&)>;

struct ComponentSpec {
  std::string kind;  // kind::kEncoder, ...
  std::string type;  // "dgf", "random", ...
  std::string help;  // one paragraph for `latpred plugins inspect`
  Schema schema;
  ComponentFactory create;
  std::string plugin;  // name of the plugin that registered it (set by the loader)
  std::string file;    // library path ("" for built-ins)
};

class LATPRED_API Registry {
 public:
  // Adds a factory. Throws Error("duplicate component ...") if (kind, type) is taken.
  void add(ComponentSpec spec);

  // Typed convenience: T must derive from Component; the kind is T::kKind.
  template <class T, class Factory>
  void add(const std::string& type, const std::string& help, Schema schema, Factory factory) {
    ComponentSpec spec;
    spec.kind = T::kKind;
    spec.type = type;
    spec.help = help;
    spec.schema = std::move(schema);
    spec.create = [factory](const Params& p) -> std::shared_ptr<Component> { return factory(p); };
    add(std::move(spec));
  }

  const ComponentSpec* find(const std::string& kind, const std::string& type) const;
  // Throws ConfigError listing the registered types of that kind, closest first, with "did you mean".
  const ComponentSpec& get(const std::string& kind, const std::string& type) const;
  std::vector<std::string> kinds() const;
  std::vector<std::string> types(const std::string& kind) const;
  std::vector<const ComponentSpec*> all() const;

  // Creates and casts. Throws ConfigError on an unknown type and Error if the factory returns the wrong kind.
  std::shared_ptr<Component> create(const std::string& kind, const std::string& type, const Params& params) const;
  template <class T>
  std::shared_ptr<T> create(const std::string& type, const Params& params) const {
    auto obj = std::dynamic_pointer_cast<T>(create(T::kKind, type, params));
    if (!obj) throw Error("component " + std::string(T::kKind) + " '" + type + "' has the wrong interface");
    return obj;
  }

  // Moves every spec of `other` into this registry; throws on the first duplicate (nothing is merged then).
  void merge(Registry&& other);

 private:
  std::map<std::pair<std::string, std::string>, ComponentSpec> specs_;
};

}  // namespace latpred
