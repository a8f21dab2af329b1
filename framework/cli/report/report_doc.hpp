// The content of a report, independent of its format: sections of paragraphs, tables and figures. Markdown and
// HTML renderers turn it into files (report_render.cpp).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace latpred::cli {

struct ReportTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct ReportFigure {
  std::string stem;  // STEM.png / STEM.svg / STEM.gp in the report directory
  std::string caption;
  bool rendered = false;  // the PNG exists
};

struct ReportBlock {
  enum class Kind { text, table, figure } kind = Kind::text;
  std::string text;
  ReportTable table;
  ReportFigure figure;
};

struct ReportSection {
  std::string title;
  std::vector<ReportBlock> blocks;
  void text(std::string paragraph) { blocks.push_back({ReportBlock::Kind::text, std::move(paragraph), {}, {}}); }
  void table(ReportTable t) { blocks.push_back({ReportBlock::Kind::table, {}, std::move(t), {}}); }
  void figure(ReportFigure f) { blocks.push_back({ReportBlock::Kind::figure, {}, {}, std::move(f)}); }
};

struct ReportDoc {
  std::string title;
  std::vector<std::pair<std::string, std::string>> fields;  // the header: study, revision, times, command line
  std::vector<ReportSection> sections;
};

// Markdown: tables as pipe tables, figures as links to their PNG (and SVG, gnuplot script).
std::string render_markdown(const ReportDoc& doc);
// One self-contained HTML file: inline CSS, figures embedded as base64 PNG read from `dir`, all text escaped.
std::string render_html(const ReportDoc& doc, const std::filesystem::path& dir);

// Escapes for the two formats (exposed for tests).
std::string markdown_escape(const std::string& text);
std::string html_escape(const std::string& text);

}  // namespace latpred::cli
