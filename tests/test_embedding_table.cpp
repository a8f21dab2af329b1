// Cached embedding tables of trained encoders: round trip, and refusal of a file written for other settings, row
// counts or malformed cells.
#include "catch_torch.hpp"

#include <ATen/ATen.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "latpred/embedding_table.hpp"
#include "latpred/error.hpp"
#include "study_test_support.hpp"

namespace {

namespace fs = std::filesystem;
using latpred::DataError;
using latpred::EmbeddingTableKey;
using study_test::ScratchDir;

EmbeddingTableKey key_for(const std::string& settings, int64_t rows = 5) {
  return EmbeddingTableKey{"arch2vec", "nb201", rows, settings};
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

}  // namespace

TEST_CASE("embedding table: stored and loaded back bit for bit", "[embedding_table]") {
  ScratchDir dir("embedding_roundtrip");
  const auto key = key_for("dim=3;seed=1");
  const fs::path file = latpred::embedding_table_path(dir.path / "cache", key);
  CHECK_FALSE(latpred::load_embedding_table(file, key).has_value());  // absent: the caller trains

  at::manual_seed(3);
  const at::Tensor table = at::randn({5, 3}) * 1e4;
  latpred::store_embedding_table(file, key, table, {{"reconstruction accuracy", "0.99"}});
  const auto loaded = latpred::load_embedding_table(file, key);
  REQUIRE(loaded.has_value());
  CHECK(at::equal(*loaded, table));
  CHECK_FALSE(fs::exists(file.string() + ".tmp"));
}

TEST_CASE("embedding table: the file name follows the settings", "[embedding_table]") {
  const fs::path a = latpred::embedding_table_path("d", key_for("seed=1"));
  CHECK(a == latpred::embedding_table_path("d", key_for("seed=1")));
  CHECK(a != latpred::embedding_table_path("d", key_for("seed=2")));
  CHECK(a.filename().string().rfind("arch2vec-nb201-", 0) == 0);
}

TEST_CASE("embedding table: a file of other settings, rows or cells is refused", "[embedding_table]") {
  ScratchDir dir("embedding_refused");
  const auto key = key_for("seed=1");
  const fs::path file = dir.path / "table.csv";
  latpred::store_embedding_table(file, key, at::ones({5, 2}));
  std::string text;
  {
    std::ifstream in(file);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }

  CHECK_THROWS_WITH(latpred::load_embedding_table(file, key_for("seed=2")),
                    Catch::Contains("settings 'seed=1'") && Catch::Contains("'seed=2'"));
  CHECK_THROWS_WITH(latpred::load_embedding_table(file, key_for("seed=1", 6)), Catch::Contains("has 5 rows"));
  CHECK_THROWS_AS(latpred::store_embedding_table(file, key, at::ones({4, 2})), latpred::Error);

  std::ofstream(file) << replace_once(text, "\n3,1,1\n", "\n3,1,x\n");
  CHECK_THROWS_WITH(latpred::load_embedding_table(file, key), Catch::Contains("expected a number, got 'x'"));
  std::ofstream(file) << replace_once(text, "\n3,1,1\n", "\n4,1,1\n");
  CHECK_THROWS_WITH(latpred::load_embedding_table(file, key), Catch::Contains("expected index 3"));
  std::ofstream(file) << "index,e0\n";
  CHECK_THROWS_WITH(latpred::load_embedding_table(file, key), Catch::Contains("not a latpred embedding table"));
  try {
    latpred::load_embedding_table(file, key);
  } catch (const DataError& e) {
    CHECK(e.file() == file.string());
  }
}

TEST_CASE("embedding table: the cache directory honours LATPRED_CACHE", "[embedding_table]") {
  const char* previous = std::getenv("LATPRED_CACHE");
  const std::string saved = previous ? previous : "";
  ::setenv("LATPRED_CACHE", "/tmp/latpred-cache-test", 1);
  CHECK(latpred::cache_directory() == fs::path("/tmp/latpred-cache-test"));
  ::unsetenv("LATPRED_CACHE");
  CHECK(latpred::cache_directory().filename() == "latpred");
  if (previous) ::setenv("LATPRED_CACHE", saved.c_str(), 1);
}
