#include "screenshot.hpp"

#include <GL/gl.h>
#include <fcntl.h>
#include <stb_image_write.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace weft::viewer {
namespace {

std::string failed(const std::string& path, int e) { return "cannot write " + path + ": " + std::strerror(e); }

// `bytes` into `path`; a file left half written is removed. "" or why not.
std::string write_file(const std::string& path, const std::vector<unsigned char>& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failed(path, errno);
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  std::size_t done = 0;
  int error = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : EIO;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0) return {};
  if (regular) ::unlink(path.c_str());
  return failed(path, error);
}

}  // namespace

std::string save_screenshot(const std::string& path, int width, int height) {
  if (width <= 0 || height <= 0) return "nothing to capture (empty framebuffer)";
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  std::vector<unsigned char> pixels(row * static_cast<std::size_t>(height));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  if (const GLenum err = glGetError(); err != GL_NO_ERROR) return "glReadPixels failed (GL error " + std::to_string(err) + ")";
  // OpenGL's rows go bottom up; PNG's top down.
  std::vector<unsigned char> flipped(pixels.size());
  for (int y = 0; y < height; ++y)
    std::memcpy(flipped.data() + static_cast<std::size_t>(y) * row,
                pixels.data() + static_cast<std::size_t>(height - 1 - y) * row, row);
  // Encoded in memory, then written with every write and the close
  // checked: stb's own file writer ignores a full disk.
  std::vector<unsigned char> png;
  const auto append = [](void* out, void* data, int size) {
    auto* bytes = static_cast<unsigned char*>(data);
    static_cast<std::vector<unsigned char>*>(out)->insert(static_cast<std::vector<unsigned char>*>(out)->end(), bytes,
                                                          bytes + size);
  };
  if (!stbi_write_png_to_func(append, &png, width, height, 4, flipped.data(), static_cast<int>(row)))
    return "cannot encode the PNG for " + path;
  return write_file(path, png);
}

}  // namespace weft::viewer
