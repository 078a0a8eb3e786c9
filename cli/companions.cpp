#include "companions.hpp"

#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

namespace fs = std::filesystem;

namespace weft::cli {
namespace {

fs::path own_directory() {
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) throw std::runtime_error("cannot find where weft is (readlink /proc/self/exe failed)");
  self[n] = '\0';
  return fs::path(self).parent_path();
}

}  // namespace

std::string find_companion(const std::string& file, const char* override_env, const std::string& hint) {
  if (override_env)
    if (const char* path = std::getenv(override_env)) return path;
  const fs::path dir = own_directory();
  // WEFT_PRIVATE_DIR_FROM_BIN: the install's <libdir>/weft relative to its
  // <bindir>, e.g. "../lib/weft" (cmake/WeftInstall.cmake).
  const std::vector<fs::path> candidates{dir / file, dir / WEFT_PRIVATE_DIR_FROM_BIN / file};
  std::string looked;
  for (const fs::path& candidate : candidates) {
    std::error_code ec;
    const fs::path normal = candidate.lexically_normal();
    if (fs::is_regular_file(normal, ec) && ::access(normal.c_str(), R_OK) == 0) return normal.string();
    looked += (looked.empty() ? "" : ", ") + normal.string();
  }
  throw std::runtime_error("cannot find " + file + " (looked at " + looked + "; " + hint + ")");
}

}  // namespace weft::cli
