// SHA-256 digests (FIPS 180-4), for the run manifest's plugin hashes and content keys. Lowercase hex output.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "latpred/export.hpp"

namespace latpred {

LATPRED_API std::string sha256_hex(std::string_view data);
// Throws Error naming the file when it cannot be read.
LATPRED_API std::string sha256_file(const std::filesystem::path& file);

}  // namespace latpred
