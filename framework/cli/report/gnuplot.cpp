// Plots rendered with gnuplot (gnuplot.hpp).
#include "report/gnuplot.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "latpred/error.hpp"

namespace latpred::cli {
namespace {

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw Error("cannot write " + file.string());
}

// Runs `command`, returning its exit status and combined output.
std::pair<int, std::string> run_command(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen((command + " 2>&1").c_str(), "r"), pclose);
  if (!pipe) return {-1, "cannot start a shell"};
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe.get())) out += buffer;
  return {pclose(pipe.release()), out};
}

}  // namespace

bool gnuplot_available() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

std::string gnuplot_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'')
      out += "''";
    else if (c != '\n' && c != '\r')
      out += c;
  }
  return out + "'";
}

std::string file_stem(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const bool keep =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    out += keep ? c : '_';
  }
  return out.empty() ? std::string("_") : out;
}

bool render_figure(const std::filesystem::path& dir, const GnuplotFigure& figure, bool run) {
  const std::string size = fmt::format("size {},{}", figure.width, figure.height);
  std::string script =
      "# " + figure.comment + "\n# Re-render: cd " + dir.string() + " && gnuplot " + figure.stem + ".gp\n";
  // noenhanced: device names such as titan_rtx_256 must not turn into subscripts.
  script += "set terminal pngcairo " + size + " noenhanced font 'sans,11'\n";
  script += "set output " + gnuplot_quote(figure.stem + ".png") + "\n";
  // Tableau's 10 colours: gnuplot's defaults include a pale yellow that is hard to read on white.
  const char* const colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  for (int i = 0; i < 10; ++i) script += fmt::format("set linetype {} lc rgb '{}'\n", i + 1, colours[i]);
  script += "set linetype cycle 10\n";
  for (const auto& line : figure.settings) script += line + "\n";
  script += "plot " + join(figure.series, ", \\\n     ") + "\n";
  script += "set terminal svg " + size + " noenhanced font 'sans,11' background rgb 'white'\n";
  script += "set output " + gnuplot_quote(figure.stem + ".svg") + "\nreplot\nunset output\n";
  write_text(dir / (figure.stem + ".dat"), figure.data);
  write_text(dir / (figure.stem + ".gp"), script);
  const std::filesystem::path png = dir / (figure.stem + ".png");
  if (!run) return false;
  std::error_code ignored;
  std::filesystem::remove(png, ignored);  // a stale PNG must not pass for a fresh one
  const auto [status, output] =
      run_command("cd " + shell_quote(dir.string()) + " && gnuplot " + shell_quote(figure.stem + ".gp"));
  if (status != 0 || !std::filesystem::exists(png)) {
    spdlog::warn("gnuplot failed on {}: {}", (dir / (figure.stem + ".gp")).string(), output);
    return false;
  }
  return true;
}

void warn_gnuplot_missing(const std::string& what) {
  spdlog::warn(
      "gnuplot not found: wrote {} but no PNG/SVG; install gnuplot-nox (scripts/install-deps.sh) and run the "
      "scripts (cd DIR && gnuplot FILE.gp)",
      what);
}

}  // namespace latpred::cli
