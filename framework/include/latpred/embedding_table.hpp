// Cached per-architecture embedding tables of trained encoders (arch2vec, CATE): training them takes minutes, so
// the table is stored once per (encoder, space, settings) and reused by every study. The settings text must hold
// everything that determines the table (hyperparameters and seed); its digest names the file, and the file repeats
// it so a stale or foreign file is refused rather than silently used.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include <ATen/Tensor.h>

#include "latpred/dataset.hpp"
#include "latpred/export.hpp"

namespace latpred {

// $LATPRED_CACHE, else $XDG_CACHE_HOME/latpred, else $HOME/.cache/latpred, else ./.latpred-cache.
LATPRED_API std::filesystem::path cache_directory();
// `configured` (an encoder's cache_dir parameter) when not empty, else cache_directory().
LATPRED_API std::filesystem::path cache_directory(const std::string& configured);

// First 16 hex digits of the sha256 of the dataset's arch list (ops in index order): part of a table's settings,
// so a table is never reused for another list or order of archs of the same size.
LATPRED_API std::string arch_list_digest(const Dataset& data);

struct EmbeddingTableKey {
  std::string encoder;    // e.g. "arch2vec"
  std::string space;      // "nb201" | "fbnet"
  int64_t num_archs = 0;  // rows the table must have
  std::string settings;   // canonical "key=value;..." text, seed included
};

// <dir>/<encoder>-<space>-<first 16 hex of sha256(settings)>.csv
LATPRED_API std::filesystem::path embedding_table_path(const std::filesystem::path& dir, const EmbeddingTableKey& key);

// The stored table (num_archs x D float32), or nullopt when the file does not exist. DataError naming the file
// and line when it is malformed, has another row count, or was written for other settings.
LATPRED_API std::optional<at::Tensor> load_embedding_table(const std::filesystem::path& file,
                                                           const EmbeddingTableKey& key);

// Writes `table` (num_archs x D) atomically (temporary file + rename; creates the directory). `notes` become
// "# name: value" comment lines (e.g. training time, reconstruction accuracy) for the reader of the file.
LATPRED_API void store_embedding_table(const std::filesystem::path& file, const EmbeddingTableKey& key,
                                       const at::Tensor& table, const std::map<std::string, std::string>& notes = {});

}  // namespace latpred
