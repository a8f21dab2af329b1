// Encoder plugin "arch2vec": the arch2vec VAE (arch2vec_model.hpp) trained unsupervised on every arch of the
// dataset; the flat vector of an arch is the mean over its nodes of the latent mean mu (NASFLAT_METHOD §2.3). The
// table is cached per (space, archs, settings) by the SDK's embedding_table.hpp, so a study trains it at most once.
#include <ATen/ATen.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>
#include <string>

#include "arch2vec_train.hpp"
#include "latpred/embedding_table.hpp"
#include "latpred/encoder.hpp"
#include "latpred/error.hpp"
#include "latpred/plugin.hpp"

namespace {

namespace fs = std::filesystem;

// Bump when the training changes in a way the parameters do not show: old cached tables are then not reused.
constexpr int kAlgorithmVersion = 1;

// Parameters that do not change the table (left out of the cache key).
bool table_neutral(const std::string& name) { return name == "cache_dir" || name == "train"; }

const latpred::Schema& arch2vec_schema() {
  static const latpred::Schema schema =
      latpred::Schema()
          .integer("dim", 32, "latent width per node = width of the encoding (NASFLAT: 32)", 1, 1024)
          .integer("hidden", 128, "GIN hidden width (arch2vec: 128)", 1, 4096)
          .integer("layers", 4, "GIN layers (arch2vec's hops = 5 builds hops - 1 = 4)", 1, 16)
          .real("dropout", 0.3, "dropout on the latent before the decoder, training only (arch2vec: 0.3)", 0.0, 0.99)
          .integer("epochs", 10, "training epochs (arch2vec and NASFLAT's NB201 script: 10)", 1, 10000)
          .integer("batch", 32, "archs per training batch (arch2vec: 32)", 1, 1 << 20)
          .real("lr", 1e-3, "Adam learning rate (arch2vec: 1e-3)", 0.0, 1.0)
          .integer("seed", 0,
                   "seed of the training; fixed by default because the table is a property of the space, shared by "
                   "every study seed",
                   0)
          .choice("graph", "reference", {"reference", "nasflat", "full"},
                  "graph the VAE encodes: nasflat = the space's predictor graph, full = the unsimplified cell graph, "
                  "reference = what NASFLAT's arch2vec tables used (NB201: full, arch2vec's fixed 8-node cell; "
                  "FBNet: nasflat, the identity adjacency)")
          .text("cache_dir", "", "directory of the cached tables (empty: $LATPRED_CACHE or ~/.cache/latpred)")
          .choice("train", "auto", {"auto", "never"},
                  "auto: train when no cached table exists; never: a missing table is an error");
  return schema;
}

// "nasflat" or "full" for `space` (resolves "reference").
std::string graph_kind(const std::string& graph, const std::string& space) {
  if (graph != "reference") return graph;
  return space == "nb201" ? "full" : "nasflat";
}

std::string fixed(double value) { return fmt::format("{:.4f}", value); }

class Arch2vecEncoder : public latpred::Encoder {
 public:
  explicit Arch2vecEncoder(latpred::Params params) : params_(std::move(params)) {}

  latpred::ArchFeatures encode(const latpred::Dataset& data) override {
    const std::string space = data.space().name();
    const std::string graph = graph_kind(params_.get_string("graph"), space);
    const latpred::EmbeddingTableKey key{"arch2vec", space, data.num_archs(), settings(data, graph)};
    const fs::path file = latpred::embedding_table_path(latpred::cache_directory(params_.get_string("cache_dir")), key);
    latpred::ArchFeatures features;
    if (auto table = latpred::load_embedding_table(file, key)) {
      spdlog::info("arch2vec {}: loaded the cached table {}", space, file.string());
      features.vec = *table;
      return features;
    }
    if (params_.get_string("train") == "never")
      throw latpred::DataError(
          file.string(), 0,
          "no arch2vec table for these settings and train = \"never\"; make it with `" + command(data) + "`");
    spdlog::info("arch2vec {}: no cached table {}; training on {} archs", space, file.string(), data.num_archs());
    const latpred::arch2vec::TrainResult result = latpred::arch2vec::train(
        latpred::arch2vec::graph_inputs(data, graph == "full"), train_options("arch2vec " + space));
    latpred::store_embedding_table(file, key, result.table,
                                   {{"training_seconds", fmt::format("{:.1f}", result.seconds)},
                                    {"epochs", std::to_string(params_.get_int("epochs"))},
                                    {"graph", graph},
                                    {"final_loss", fmt::format("{:.5f}", result.final_loss)},
                                    {"holdout_archs", std::to_string(result.holdout_archs.numel())},
                                    {"holdout_op_accuracy", fixed(result.holdout.ops)},
                                    {"holdout_adj_accuracy", fixed(result.holdout.adj)}});
    spdlog::info("arch2vec {}: trained in {:.1f} s (held-out reconstruction: ops {:.4f}, adjacency {:.4f}); stored {}",
                 space, result.seconds, result.holdout.ops, result.holdout.adj, file.string());
    features.vec = result.table;
    return features;
  }

 private:
  // Canonical text of everything that determines the table, seed included.
  std::string settings(const latpred::Dataset& data, const std::string& graph) const {
    std::string text = "version=" + std::to_string(kAlgorithmVersion) + ";archs=" + latpred::arch_list_digest(data);
    for (const auto& [name, value] : params_.values()) {
      if (table_neutral(name)) continue;
      text += ";" + name + "=" + (name == "graph" ? graph : latpred::to_string(value));
    }
    return text;
  }

  // The `latpred encode` command line that makes this table.
  std::string command(const latpred::Dataset& data) const {
    std::string out = "latpred encode arch2vec --space " + data.space().name();
    if (!data.data_dir().empty()) out += " --data-dir " + data.data_dir().string();
    const latpred::Params defaults = latpred::default_params(arch2vec_schema());
    for (const auto& [name, value] : params_.values()) {
      if (name != "train" && latpred::to_string(value) != latpred::to_string(defaults.values().at(name)))
        out += " --set " + name + "=" + latpred::to_string(value);
    }
    return out;
  }

  latpred::arch2vec::TrainOptions train_options(const std::string& label) const {
    latpred::arch2vec::TrainOptions o;
    o.model.dim = params_.get_int("dim");
    o.model.hidden = params_.get_int("hidden");
    o.model.layers = params_.get_int("layers");
    o.model.dropout = params_.get_float("dropout");
    o.epochs = params_.get_int("epochs");
    o.batch = params_.get_int("batch");
    o.lr = params_.get_float("lr");
    o.seed = static_cast<uint64_t>(params_.get_int("seed"));
    o.label = label;
    return o;
  }

  latpred::Params params_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Encoder>(
      "arch2vec",
      "arch2vec (Yan et al. 2020): a graph VAE trained unsupervised on every arch of the dataset; the flat vector is "
      "the mean over nodes of the latent mean. GIN encoder (layers x [2-layer MLP, batch norm, ReLU], (1+eps) self "
      "weight) over one-hot node labels and arch2vec's adjacency preprocessing (the upper triangle mirrored: "
      "undirected, no self-loops added); decoder = sigmoid linear op classifier + sigmoid inner-product adjacency; "
      "loss = BCE(ops) + BCE(upper-triangle adjacency) + arch2vec's KL (divided by batch x nodes); Adam, gradient "
      "norm clipped at 5. A random 10% of the archs is held out of training to report reconstruction accuracy (in "
      "the cached file's notes). Training is seeded by `seed` alone (not the study seed) and leaves the global "
      "generator as it found it. The table is cached by (space, arch list, settings): train it ahead with "
      "`latpred encode arch2vec --space nb201|fbnet`.",
      arch2vec_schema(), [](const latpred::Params& p) { return std::make_shared<Arch2vecEncoder>(p); });
}

}  // namespace

LATPRED_PLUGIN("arch2vec_encoder", "1.0", register_components)
