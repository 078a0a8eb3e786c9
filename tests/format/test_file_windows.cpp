// Reading a trace's payloads in place, through mappings of the file
// (file_windows.hpp): the bytes are the file's, windows are given back as
// the reader passes them, and a file that another program shortens under
// the mappings is an error naming that, never a crash. Where nothing can
// be mapped, the load copies and gives the same trace.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "file_windows.hpp"
#include "temp_dir.hpp"
#include "trace_builder.hpp"
#include "weft/format/loader.hpp"

using namespace weft::format;
using namespace weft::format::test;
using weft::format::detail::FileWindows;

namespace {

struct OpenFile {
  int fd;
  explicit OpenFile(const std::string& path, int flags = O_RDONLY) : fd(::open(path.c_str(), flags | O_CLOEXEC)) {
    REQUIRE(fd >= 0);
  }
  ~OpenFile() { ::close(fd); }
};

// Bytes whose every position says where it is: a wrong offset shows.
std::vector<unsigned char> numbered(std::size_t n) {
  std::vector<unsigned char> bytes(n);
  for (std::size_t k = 0; k < n; ++k) bytes[k] = static_cast<unsigned char>((k * 131) ^ (k >> 12));
  return bytes;
}

std::size_t page() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

// What the load says, or the message of the error it throws.
std::string load_error(const std::string& path, const LoadOptions& options) {
  try {
    load_trace_with(path, options);
  } catch (const format_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("file windows: each view holds the file's bytes at its offset, across windows", "[file-windows]") {
  TempDir dir;
  const std::size_t size = 40 * page() + 123;  // a last page in part
  const std::vector<unsigned char> bytes = numbered(size);
  const std::string path = dir.write("bytes", bytes);
  OpenFile file(path);
  FileWindows windows(file.fd, size, 8 * page());
  struct Range {
    std::size_t offset, length;
  };
  // Off page boundaries, straddling a window's end, longer than a window,
  // up to the last byte, empty at the end.
  for (const Range r : {Range{0, 100}, {5000, 3 * page()}, {8 * page() - 10, 20}, {9 * page() + 7, 17 * page()},
                        {size - 1000, 1000}, {size, 0}}) {
    INFO("offset " << r.offset << ", length " << r.length);
    const unsigned char* view = windows.view(r.offset, r.length);
    if (r.length == 0) continue;  // nothing to read: mapped or not, either is right
    REQUIRE(view != nullptr);
    CHECK(std::memcmp(view, bytes.data() + r.offset, r.length) == 0);
  }
  // Past the end of the file: nothing to map.
  CHECK(windows.view(size - 10, 11) == nullptr);
  CHECK(windows.view(size + 1, 0) == nullptr);
  CHECK_FALSE(windows.shrank());
}

TEST_CASE("file windows: a released window is unmapped, the later ones stay readable", "[file-windows]") {
  TempDir dir;
  const std::size_t size = 64 * page();
  const std::vector<unsigned char> bytes = numbered(size);
  const std::string path = dir.write("bytes", bytes);
  OpenFile file(path);
  FileWindows windows(file.fd, size, 8 * page());
  const unsigned char* first = windows.view(0, page());
  const unsigned char* later = windows.view(20 * page(), page());
  REQUIRE(first != nullptr);
  REQUIRE(later != nullptr);
  windows.release_before(10 * page());
  // The first window's pages are gone from the process (mincore fails on
  // an unmapped range); the later window's are still the file's.
  unsigned char resident = 0;
  CHECK(::mincore(const_cast<unsigned char*>(first), page(), &resident) == -1);
  CHECK(errno == ENOMEM);
  CHECK(std::memcmp(later, bytes.data() + 20 * page(), page()) == 0);
  // A view before what was released maps it again.
  const unsigned char* again = windows.view(page(), 10);
  REQUIRE(again != nullptr);
  CHECK(std::memcmp(again, bytes.data() + page(), 10) == 0);
}

TEST_CASE("file windows: a file shortened under a view reads as zeros and says it shrank", "[file-windows]") {
  TempDir dir;
  const std::size_t size = 16 * page();
  const std::string path = dir.write("bytes", numbered(size));
  OpenFile file(path);
  FileWindows windows(file.fd, size, 4 * page());
  const unsigned char* view = windows.view(0, size);
  REQUIRE(view != nullptr);
  REQUIRE_FALSE(windows.shrank());
  {
    OpenFile writer(path, O_WRONLY);
    REQUIRE(::ftruncate(writer.fd, static_cast<off_t>(3 * page())) == 0);
  }
  // The pages past the new end are gone: reading them raised SIGBUS, which
  // the windows' handler turned into zeros.
  unsigned long sum = 0;
  for (std::size_t k = 3 * page(); k < size; ++k) sum += view[k];
  CHECK(sum == 0);
  CHECK(windows.shrank());
}

TEST_CASE("file windows: a SIGBUS outside every window is not swallowed", "[file-windows]") {
  TempDir dir;
  const std::size_t size = 4 * page();
  const std::string path = dir.write("bytes", numbered(size));
  {
    // The handler is installed with a window, and stays.
    OpenFile file(path);
    FileWindows windows(file.fd, size);
    REQUIRE(windows.view(0, 10) != nullptr);
  }
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // A mapping of its own, not a window, shortened under it: the read must
    // end the process as SIGBUS does (or as the sanitizer's handler that
    // was there before does), not read on.
    const int quiet = ::open("/dev/null", O_WRONLY);  // a sanitizer's report of the fault is expected
    if (quiet >= 0) ::dup2(quiet, 2);
    const int fd = ::open(path.c_str(), O_RDWR);
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (fd < 0 || p == MAP_FAILED || ::ftruncate(fd, 0) != 0) ::_exit(3);
    volatile unsigned char read = static_cast<const unsigned char*>(p)[2 * page()];
    (void)read;
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  INFO("status " << status);
  CHECK_FALSE((WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3)));
  if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == SIGBUS);
}

TEST_CASE("a trace shortened by another program while it loads is an error that says so", "[file-windows]") {
  TempDir dir;
  const std::vector<unsigned char> bytes = realistic_trace(4, 8, 6000, 7, 2048).bytes();
  REQUIRE(bytes.size() > 16 * page());
  for (unsigned threads : {1u, 3u}) {
    // Shortened after the third chunk is read (most of the file is still
    // to come, its first window already mapped), or as the last is (every
    // payload checked, some not yet decoded).
    for (const bool at_last : {false, true}) {
      INFO(threads << " threads, shortened " << (at_last ? "at the last chunk" : "after the third chunk"));
      const std::string path = dir.write("trace.weft", bytes);
      const std::uint64_t size = std::filesystem::file_size(path);
      std::uint64_t heard = 0;
      unsigned calls = 0;
      LoadOptions options;
      options.threads = threads;
      options.progress = [&](std::uint64_t chunk_bytes) {
        heard += chunk_bytes;
        const bool now = at_last ? heard == size - kFileHeaderSize : ++calls == 3;
        if (now) std::filesystem::resize_file(path, size / 2);
        return true;
      };
      const std::string error = load_error(path, options);
      CHECK(error.find(path) == 0);
      // Found reading a header (pread) or a mapped payload: either way named.
      CHECK(error.find("shrank while being read") != std::string::npos);
    }
  }
}

TEST_CASE("with every window slot taken, a trace loads by copying, the same as mapped", "[file-windows]") {
  TempDir dir;
  const std::string path = dir.write("trace.weft", realistic_trace(4, 8, 3000, 11, 2048).bytes());
  const Trace mapped = load_trace_with(path, LoadOptions{3});
  // Another file's windows, one a page, until no slot is left.
  const std::string filler = dir.write("filler", numbered(FileWindows::kMostWindows * page()));
  OpenFile file(filler);
  std::vector<std::unique_ptr<FileWindows>> taken;
  for (int k = 0; k < FileWindows::kMostWindows; ++k) {
    auto& windows = taken.emplace_back(std::make_unique<FileWindows>(file.fd, FileWindows::kMostWindows * page(), page()));
    if (windows->view(static_cast<std::uint64_t>(k) * page(), 1) == nullptr) break;  // other tests' windows took the rest
  }
  {
    FileWindows none(file.fd, page(), page());
    REQUIRE(none.view(0, 1) == nullptr);
  }
  for (unsigned threads : {1u, 3u}) {
    INFO(threads << " threads");
    const Trace copied = load_trace_with(path, LoadOptions{threads});
    REQUIRE(copied.events.size() == mapped.events.size());
    for (std::size_t i = 0; i < mapped.events.size(); ++i) REQUIRE(copied.events[i] == mapped.events[i]);
    CHECK(copied.texts == mapped.texts);
    CHECK(copied.warnings == mapped.warnings);
  }
}
