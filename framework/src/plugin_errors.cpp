// Load errors of the plugin loader: their text, and the --strict check.
#include "latpred/plugin_loader.hpp"

namespace latpred {

std::string to_string(LoadStage stage) {
  switch (stage) {
    case LoadStage::Scan:
      return "scan";
    case LoadStage::Inspect:
      return "inspect";
    case LoadStage::Open:
      return "open";
    case LoadStage::EntryPoint:
      return "entry point";
    case LoadStage::Handshake:
      return "handshake";
    case LoadStage::Register:
      return "register";
    case LoadStage::Conflict:
      return "conflict";
  }
  return "unknown";
}

std::string PluginLoadError::str() const {
  std::string out = file + ": [" + to_string(stage) + "] " + message;
  if (!hint.empty()) out += " (hint: " + hint + ")";
  return out;
}

void throw_if_errors(const PluginHost& host) {
  const auto& errors = host.errors();
  if (errors.empty()) return;
  std::string message = std::to_string(errors.size()) + " plugin load error(s) (strict mode):";
  for (const auto& error : errors) message += "\n  " + error.str();
  throw Error(message);
}

}  // namespace latpred
