// Encoder plugin "cate": the CATE transformer encoding (Yan et al., ICML 2021) as NASFLAT uses it, pretrained by
// masked-op prediction on computation-aware pairs of all archs of the space and cached as an embedding table.
#include <ATen/ATen.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "cate_inputs.hpp"
#include "cate_train.hpp"
#include "latpred/embedding_table.hpp"
#include "latpred/encoder.hpp"
#include "latpred/plugin.hpp"

namespace {

namespace fs = std::filesystem;

// Bump when the training code changes the table for the same settings, so old cache files are not reused.
constexpr const char* kImplementation = "1";

std::string fmt_double(double v) {
  std::ostringstream out;
  out.precision(4);
  out << std::fixed << v;
  return out.str();
}

class CateEncoder : public latpred::Encoder {
 public:
  CateEncoder(const latpred::Params& p) : params_(p) {
    s_.d_model = p.get_int("d_model");
    s_.graph_layers = p.get_int("graph_layers");
    s_.graph_heads = p.get_int("graph_heads");
    s_.graph_ff = p.get_int("graph_ff");
    s_.pair_layers = p.get_int("pair_layers");
    s_.pair_heads = p.get_int("pair_heads");
    s_.pair_ff = p.get_int("pair_ff");
    s_.dropout = p.get_float("dropout");
    s_.mask_rate = p.get_float("mask_rate");
    s_.label_smoothing = p.get_float("label_smoothing");
    s_.lr = p.get_float("lr");
    s_.weight_decay = p.get_float("weight_decay");
    s_.warmup = p.get_int("warmup");
    s_.batch_size = p.get_int("batch_size");
    s_.epochs = p.get_int("epochs");
    s_.pair_k = p.get_int("pair_k");
    s_.pair_window = p.get_float("pair_window");
    s_.holdout = p.get_float("holdout");
    s_.seed = static_cast<uint64_t>(p.get_int("seed"));
    for (const char* heads : {"graph_heads", "pair_heads"})
      if (s_.d_model % p.get_int(heads) != 0)
        throw latpred::ConfigError({}, std::string("encoder.") + heads,
                                   "d_model = " + std::to_string(s_.d_model) + " is not divisible by " + heads + " = " +
                                       std::to_string(p.get_int(heads)));
  }

  latpred::ArchFeatures encode(const latpred::Dataset& data) override {
    const std::string space = data.space().name();
    const latpred::EmbeddingTableKey key{"cate", space, data.num_archs(), settings_text(data)};
    const fs::path file = latpred::embedding_table_path(latpred::cache_directory(params_.get_string("cache_dir")), key);
    latpred::ArchFeatures features;
    if (auto table = latpred::load_embedding_table(file, key)) {
      spdlog::info("cate encoder: loaded {} x {} table {}", table->size(0), table->size(1), file.string());
      features.vec = *table;
      return features;
    }
    if (params_.get_string("train") == "never")
      throw latpred::DataError(file.string(), 0,
                               "no trained CATE table for space '" + space +
                                   "' with these settings and train = \"never\"; make it with `latpred encode cate "
                                   "--space " +
                                   space + "` (with the same --set options as this encoder), or set train = \"auto\"");
    spdlog::info("cate encoder: training on {} {} archs (no table at {})", data.num_archs(), space, file.string());
    const latpred_cate::TrainData inputs = latpred_cate::make_train_data(data, params_.get_string("graph") == "full",
                                                                         params_.get_string("pair_metric") == "flops");
    const latpred_cate::TrainResult result =
        latpred_cate::train_cate(inputs, s_, [](const std::string& line) { spdlog::info("{}", line); });
    const double accuracy = result.epochs.empty() ? std::nan("") : result.epochs.back().heldout_accuracy;
    // The accuracy of always answering the most frequent node label, for comparison.
    const double majority = inputs.tokens.numel() == 0
                                ? std::nan("")
                                : at::bincount(inputs.tokens.reshape({-1})).max().item<double>() /
                                      static_cast<double>(inputs.tokens.numel());
    std::map<std::string, std::string> notes = {
        {"training_seconds", fmt_double(result.seconds)},
        {"epochs", std::to_string(s_.epochs)},
        {"train_pairs", std::to_string(result.train_pairs)},
        {"heldout_pairs", std::to_string(result.heldout_pairs)},
        {"heldout_masked_op_accuracy", fmt_double(accuracy)},
        {"majority_label_rate", fmt_double(majority)},
        {"final_loss", result.epochs.empty() ? "nan" : fmt_double(result.epochs.back().loss)}};
    latpred::store_embedding_table(file, key, result.table, notes);
    spdlog::info("cate encoder: trained in {:.1f} s, held-out masked-op accuracy {:.4f}; stored {}", result.seconds,
                 accuracy, file.string());
    features.vec = result.table;
    return features;
  }

 private:
  // Every parameter that changes the table (all but where it is cached and whether training is allowed), and a
  // digest of the arch list: the file name depends on this text only, so two datasets of one space (e.g. a slice)
  // get their own files.
  std::string settings_text(const latpred::Dataset& data) const {
    std::string text = std::string("impl=") + kImplementation + ";archs=" + latpred::arch_list_digest(data);
    for (const auto& [name, value] : params_.values())
      if (name != "cache_dir" && name != "train") text += ";" + name + "=" + latpred::to_string(value);
    return text;
  }

  latpred::Params params_;
  latpred_cate::TrainSettings s_;
};

void register_components(latpred::Registry& registry) {
  registry.add<latpred::Encoder>(
      "cate",
      "CATE (Yan et al., ICML 2021) as NASFLAT uses it: the graph encoder's hidden state of the last node "
      "(d_model wide). Node labels are the tokens; self-attention is masked by the graph: node i attends to the "
      "nodes reachable from it (transitive closure of the adjacency, no implicit self-attention), and a node that "
      "reaches none (the output) attends uniformly to all nodes, as CATE's finite mask fill does. On FBNet's "
      "NASFLAT graph (identity adjacency) every node sees only itself, so the vector depends on the last layer "
      "only (graph = \"full\" uses the layer chain). Pretraining: masked-op prediction (mask_rate of the tokens, "
      "80% -> [MASK], 20% -> a random label) over the concatenation of two archs of similar cost passed through a "
      "cross-attention encoder with segment embeddings; AdamW, linear warm-up/decay, label smoothing. Pairs: archs "
      "sorted by analytic params (or FLOPs), each paired with pair_k random earlier archs within pair_window. "
      "CATE's widths (d_model 32 as in NASFLAT, 8 heads, feed-forward 128/256), but 4 + 2 blocks instead of 12 + 24, "
      "batch 256 and 3 epochs so that NB201 trains in about 5 minutes on one core. "
      "Differences from the reference: a separate [MASK] token (CATE's PAD/MASK ids 0/1 collide with NASFLAT's "
      "labels), no padding, 10% of archs held out to report accuracy (the table covers all archs). Trained once per "
      "space and settings from the encoder's own seed (not the study seed: the table is a property of the space, "
      "shared by all studies and seeds) and cached in cache_dir; `latpred encode cate --space S` makes it ahead.",
      latpred::Schema()
          .choice("graph", "nasflat", {"nasflat", "full"},
                  "nasflat: the space's NASFLAT graph (NB201 pruned cell, FBNet identity); full: the full cell "
                  "graph / FBNet layer chain")
          .integer("d_model", 32, "width of the graph and pair encoders = the encoding's size (NASFLAT: 32)", 1, 4096)
          .integer("graph_layers", 4, "graph-encoder blocks (CATE: 12; 4 to train in minutes on one core)", 1, 128)
          .integer("graph_heads", 8, "graph-encoder attention heads (CATE: 8); must divide d_model", 1, 256)
          .integer("graph_ff", 128, "graph-encoder feed-forward width (CATE: 128)", 1, 65536)
          .integer("pair_layers", 2, "cross-attention blocks (CATE: 24; 2 to train in minutes on one core)", 1, 128)
          .integer("pair_heads", 8, "cross-attention heads (CATE: 8); must divide d_model", 1, 256)
          .integer("pair_ff", 256, "cross-attention feed-forward width (CATE: 256)", 1, 65536)
          .real("dropout", 0.1, "dropout everywhere (CATE: 0.1)", 0.0, 0.9)
          .real("mask_rate", 0.2, "share of tokens corrupted for masked-op prediction (CATE: 0.2)", 0.01, 1.0)
          .real("label_smoothing", 0.1, "label smoothing of the masked-op targets (CATE: 0.1)", 0.0, 0.9)
          .real("lr", 1e-3, "AdamW peak learning rate (CATE: 1e-3)", 0.0, 1.0)
          .real("weight_decay", 0.01, "AdamW weight decay, not on biases and LayerNorm (CATE: 0.01)", 0.0, 1.0)
          .integer("warmup", 100, "linear warm-up steps, then linear decay to 0 (CATE: 100)", 0, 1000000)
          .integer("batch_size", 256, "pairs per step (CATE: 1024, i.e. only 28 steps per NB201 epoch)", 1, 1000000)
          .integer("epochs", 3, "passes over the pairs (CATE: 10; 3 fit in minutes on one core)", 0, 10000)
          .choice("pair_metric", "params", {"params", "flops"},
                  "cost the pairs are formed on: analytic parameter count (CATE) or FLOPs (MACs)")
          .integer("pair_k", 2, "partners per arch (CATE: 2)", 1, 100)
          .real("pair_window", 0.04,
                "largest cost gap of a pair, as a fraction of the space's cost range (CATE's "
                "NB101 2e6 params ~ 0.04 of its range; NASFLAT's NB201/FBNet values span the whole range: 1)",
                0.0, 1.0)
          .real("holdout", 0.1, "share of archs held out of training to report the masked-op accuracy", 0.0, 0.9)
          .integer("seed", 0, "seed of initialisation, pairs, masking and order (independent of the study seed)", 0,
                   std::numeric_limits<int32_t>::max())
          .choice("train", "auto", {"auto", "never"},
                  "auto: train when no cached table exists; never: a missing table is an error")
          .text("cache_dir", "", "directory of the cached tables; empty = $LATPRED_CACHE, else ~/.cache/latpred"),
      [](const latpred::Params& p) { return std::make_shared<CateEncoder>(p); });
}

}  // namespace

LATPRED_PLUGIN("cate_encoder", "1.0", register_components)
