// latpred encode TYPE: run any encoder plugin over a space's architectures once, e.g. to train and cache the
// embedding table of a trained encoder (arch2vec, cate) ahead of the studies that use it, or to export its vectors.
#include <chrono>
#include <fstream>
#include <iostream>

#include <ATen/ATen.h>
#include <fmt/format.h>

#include "cli_common.hpp"
#include "latpred/dataset.hpp"
#include "latpred/encoder.hpp"
#include "latpred/error.hpp"
#include "latpred/params.hpp"

namespace latpred::cli {
namespace {

struct EncodeArgs {
  std::string type;
  std::string space = "nb201";
  std::string data_dir;
  std::vector<std::string> sets;
  std::string out;
};

// The --set NAME=VALUE list as the TOML table of the encoder (values in TOML syntax; bare words are strings, as in
// `run --set`).
toml::table encoder_table(const std::vector<std::string>& sets) {
  toml::table table;
  for (const auto& text : sets) {
    const Override assignment = parse_override(text);
    if (assignment.key.find('.') != std::string::npos)
      throw ConfigError({"--set " + text, 0, 0}, assignment.key,
                        "expected a parameter name of the encoder (NAME=VALUE, no dots)");
    toml::table parsed;
    try {
      parsed = toml::parse("v = " + assignment.value_text, "--set " + text);
    } catch (const toml::parse_error&) {
      parsed = toml::parse("v = " + to_string(ParamValue(assignment.value_text)), "--set " + text);
    }
    table.insert_or_assign(assignment.key, std::move(*parsed.get("v")));
  }
  return table;
}

void write_csv(const std::string& file, const at::Tensor& vec) {
  std::ofstream out(file);
  if (!out) throw Error("cannot write '" + file + "'");
  const at::Tensor table = vec.to(at::kFloat).contiguous();
  const int64_t rows = table.size(0), dims = table.size(1);
  out << "index";
  for (int64_t d = 0; d < dims; ++d) out << ",e" << d;
  out << "\n";
  const float* data = table.data_ptr<float>();
  for (int64_t r = 0; r < rows; ++r) {
    out << r;
    for (int64_t d = 0; d < dims; ++d) out << fmt::format(",{:.9g}", data[r * dims + d]);
    out << "\n";
  }
  if (!out.flush()) throw Error("cannot write '" + file + "'");
}

int run_encode(const CliContext& ctx, const EncodeArgs& args) {
  const auto host = load_plugins(ctx.global);
  const ComponentSpec& spec = host->registry().get("encoder", args.type);  // lists the known encoders if unknown
  const Params params = resolve_params(spec.schema, encoder_table(args.sets), "encoder " + args.type, "--set");
  const auto encoder = host->registry().create<Encoder>(args.type, params);
  const auto dataset = load_dataset(resolve_data_dir(args.data_dir), args.space);
  const auto start = std::chrono::steady_clock::now();
  const ArchFeatures features = encoder->encode(*dataset);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (features.vec.defined()) {
    std::cout << fmt::format("{} {}: {} rows x {} dims in {:.1f} s\n", args.type, args.space, features.vec.size(0),
                             features.vec.size(1), seconds);
  } else if (features.adj.defined()) {
    std::cout << fmt::format("{} {}: {} graphs of {} nodes in {:.1f} s\n", args.type, args.space, features.adj.size(0),
                             features.adj.size(1), seconds);
  }
  if (!args.out.empty()) {
    if (!features.vec.defined())
      throw ConfigError({"--out", 0, 0}, "out", "encoder '" + args.type + "' produces no flat vector to write");
    write_csv(args.out, features.vec);
    std::cout << "wrote " << args.out << "\n";
  }
  return 0;
}

}  // namespace

void add_encode_command(CLI::App& app, CliContext& ctx) {
  auto* encode = app.add_subcommand(
      "encode",
      "Run an encoder over every architecture of a space (trains and caches a trained encoder's table, e.g. "
      "arch2vec); prints rows x dims and the wall time");
  auto args = std::make_shared<EncodeArgs>();
  encode->add_option("type", args->type, "encoder type (latpred plugins list)")->required();
  encode->add_option("--space", args->space, "search space")
      ->check(CLI::IsMember(search_space_names()))
      ->capture_default_str();
  encode->add_option("--data-dir", args->data_dir,
                     "data directory of the space's architectures (default: $LATPRED_DATA, ../shared/data, built-in "
                     "data/)");
  encode->add_option("--set", args->sets, "an encoder parameter, NAME=VALUE (TOML value; repeatable)");
  encode->add_option("--out", args->out, "write the flat vectors as CSV (index,e0,e1,...)");
  encode->callback([&ctx, args] { ctx.action = [&ctx, args] { return run_encode(ctx, *args); }; });
}

}  // namespace latpred::cli
