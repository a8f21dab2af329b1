// Markdown and HTML renderings of a report (report_doc.hpp).
#include <cctype>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "report/report_doc.hpp"

namespace latpred::cli {
namespace {

std::string read_binary(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string base64(const std::string& bytes) {
  static const char* const kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    uint32_t v = 0;
    for (std::size_t j = 0; j < 3; ++j) v = (v << 8) | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
    for (std::size_t j = 0; j < 4; ++j) out += j <= n ? kAlphabet[(v >> (18 - 6 * j)) & 63] : '=';
  }
  return out;
}

void markdown_table(std::ostringstream& out, const ReportTable& table) {
  out << "|";
  for (const auto& cell : table.header) out << " " << markdown_escape(cell) << " |";
  out << "\n|";
  for (std::size_t i = 0; i < table.header.size(); ++i) out << "---|";
  out << "\n";
  for (const auto& row : table.rows) {
    out << "|";
    for (const auto& cell : row) out << " " << markdown_escape(cell) << " |";
    out << "\n";
  }
  out << "\n";
}

void html_table(std::ostringstream& out, const ReportTable& table) {
  out << "<table>\n<tr>";
  for (const auto& cell : table.header) out << "<th>" << html_escape(cell) << "</th>";
  out << "</tr>\n";
  for (const auto& row : table.rows) {
    out << "<tr>";
    for (const auto& cell : row) out << "<td>" << html_escape(cell) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n";
}

}  // namespace

std::string markdown_escape(const std::string& text) {
  const auto word = [&text](std::size_t i) {
    return i < text.size() && std::isalnum(static_cast<unsigned char>(text[i]));
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // An underscore inside a word (titan_rtx_256) never starts emphasis in CommonMark: left as is, for readability.
    const bool emphasis_underscore = c == '_' && !(i > 0 && word(i - 1) && word(i + 1));
    if (c == '|' || c == '\\' || c == '*' || c == '`' || c == '<' || c == '>' || c == '[' || c == ']' ||
        emphasis_underscore)
      out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string html_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_markdown(const ReportDoc& doc) {
  std::ostringstream out;
  out << "# " << markdown_escape(doc.title) << "\n\n";
  for (const auto& [label, value] : doc.fields)
    out << "- **" << markdown_escape(label) << "**: " << markdown_escape(value) << "\n";
  if (!doc.fields.empty()) out << "\n";
  for (const auto& section : doc.sections) {
    out << "## " << markdown_escape(section.title) << "\n\n";
    for (const auto& block : section.blocks) {
      switch (block.kind) {
        case ReportBlock::Kind::text:
          out << markdown_escape(block.text) << "\n\n";
          break;
        case ReportBlock::Kind::table:
          markdown_table(out, block.table);
          break;
        case ReportBlock::Kind::figure: {
          const auto& f = block.figure;
          // File names are file_stem()s: no character that needs escaping in a link.
          if (f.rendered) out << "![" << markdown_escape(f.caption) << "](" << f.stem << ".png)\n\n";
          out << "*" << markdown_escape(f.caption) << "* (" << (f.rendered ? "[SVG](" + f.stem + ".svg), " : "")
              << "data [" << f.stem << ".dat](" << f.stem << ".dat), script [" << f.stem << ".gp](" << f.stem
              << ".gp))\n\n";
          break;
        }
      }
    }
  }
  return out.str();
}

std::string render_html(const ReportDoc& doc, const std::filesystem::path& dir) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << html_escape(doc.title)
      << "</title>\n<style>\n"
         "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}\n"
         "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}\n"
         "th,td{border:1px solid #bbb;padding:0.25em 0.6em;text-align:left}\nth{background:#eee}\n"
         "figure{margin:1.5em 0}\nimg{max-width:100%;border:1px solid #ddd}\nfigcaption{font-style:italic}\n"
         "dt{font-weight:bold;float:left;clear:left;width:9em}\ndd{margin-left:10em}\n"
         "</style>\n</head>\n<body>\n<h1>"
      << html_escape(doc.title) << "</h1>\n";
  if (!doc.fields.empty()) {
    out << "<dl>\n";
    for (const auto& [label, value] : doc.fields)
      out << "<dt>" << html_escape(label) << "</dt><dd>" << html_escape(value) << "</dd>\n";
    out << "</dl>\n";
  }
  for (const auto& section : doc.sections) {
    out << "<h2>" << html_escape(section.title) << "</h2>\n";
    for (const auto& block : section.blocks) {
      switch (block.kind) {
        case ReportBlock::Kind::text:
          out << "<p>" << html_escape(block.text) << "</p>\n";
          break;
        case ReportBlock::Kind::table:
          html_table(out, block.table);
          break;
        case ReportBlock::Kind::figure: {
          const auto& f = block.figure;
          out << "<figure>\n";
          if (f.rendered)
            out << "<img alt=\"" << html_escape(f.caption) << "\" src=\"data:image/png;base64,"
                << base64(read_binary(dir / (f.stem + ".png"))) << "\">\n";
          out << "<figcaption>" << html_escape(f.caption) << " (" << html_escape(f.stem)
              << (f.rendered ? ".png/.svg, " : ": not rendered, ") << "script " << html_escape(f.stem)
              << ".gp)</figcaption>\n</figure>\n";
          break;
        }
      }
    }
  }
  out << "</body>\n</html>\n";
  return out.str();
}

}  // namespace latpred::cli
