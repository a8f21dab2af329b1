// Plots rendered with gnuplot. Every figure is a data file and a script next to its PNG and SVG, so a user can edit
// the script and re-render it (cd DIR && gnuplot STEM.gp). Without gnuplot the data and scripts are still written.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace latpred::cli {

struct GnuplotFigure {
  std::string stem;                   // STEM.dat, STEM.gp, STEM.png, STEM.svg
  std::string comment;                // first line of the script: what the figure shows
  std::string data;                   // STEM.dat; blocks separated by two blank lines are gnuplot's `index`es
  std::vector<std::string> settings;  // lines before `plot`: title, labels, scales, ...
  std::vector<std::string> series;    // the clauses of `plot`
  int width = 900;
  int height = 600;
};

// Whether `gnuplot` is on the PATH (checked on every call: cheap, and tests change PATH).
bool gnuplot_available();

// `text` as a gnuplot single-quoted string literal (a quote is doubled).
std::string gnuplot_quote(const std::string& text);

// A file-name-safe form of `text`: letters, digits, '-', '.' kept, anything else becomes '_'.
std::string file_stem(const std::string& text);

// Writes STEM.dat and STEM.gp into `dir` and, when `run` is set, runs gnuplot there to make STEM.png and STEM.svg
// (a failure is a warning). Returns whether STEM.png was rendered now.
bool render_figure(const std::filesystem::path& dir, const GnuplotFigure& figure, bool run);

// The warning for a missing gnuplot: what was written (`what`) and how to render it.
void warn_gnuplot_missing(const std::string& what);

}  // namespace latpred::cli
