// A trace file appears at its path whole, or not at all; a live writer's
// file is never replaced, a gone writer's is.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <catch2/catch.hpp>

#include "../../tracer/src/trace_file.hpp"
#include "../support/temp_dir.hpp"

namespace fs = std::filesystem;
using weft::detail::abandon;
using weft::detail::create_unpublished;
using weft::detail::publish;
using weft::detail::Published;
using weft::detail::UnpublishedFile;

namespace {

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(int fd, const std::string& text) {
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
}

std::size_t entries(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("trace file: nothing is at the path until it is published whole", "[config]") {
  weft::test::TempDir dir;
  const std::string path = dir.file("t.weft");
  UnpublishedFile file = create_unpublished(path.c_str());
  REQUIRE(file.fd >= 0);
  write_text(file.fd, "preamble");
  CHECK_FALSE(fs::exists(path));
  REQUIRE(publish(file, path.c_str()) == Published::done);
  CHECK(contents(path) == "preamble");
  CHECK(entries(dir.path()) == 1);  // no temporary name left beside it
  write_text(file.fd, "+events");   // the writer carries on in the published file
  CHECK(contents(path) == "preamble+events");
  ::close(file.fd);
}

TEST_CASE("trace file: a trace left by a process that has gone is replaced", "[config]") {
  weft::test::TempDir dir;
  const std::string path = dir.file("t.weft");
  dir.write_text("t.weft", "an old trace");
  UnpublishedFile file = create_unpublished(path.c_str());
  REQUIRE(file.fd >= 0);
  write_text(file.fd, "new");
  CHECK(contents(path) == "an old trace");  // still whole until the new one is in
  REQUIRE(publish(file, path.c_str()) == Published::done);
  CHECK(contents(path) == "new");
  CHECK(entries(dir.path()) == 1);
  ::close(file.fd);
}

TEST_CASE("trace file: a file a live writer holds is taken and left alone", "[config]") {
  weft::test::TempDir dir;
  const std::string path = dir.file("t.weft");
  UnpublishedFile first = create_unpublished(path.c_str());
  REQUIRE(first.fd >= 0);
  write_text(first.fd, "first");
  REQUIRE(publish(first, path.c_str()) == Published::done);

  // A second open file description: its flock conflicts with the first's,
  // as another process's would.
  UnpublishedFile second = create_unpublished(path.c_str());
  REQUIRE(second.fd >= 0);
  write_text(second.fd, "second");
  CHECK(publish(second, path.c_str()) == Published::taken);
  CHECK(weft::detail::written_by_another(path.c_str()));
  const std::string elsewhere = weft::detail::with_pid(path);
  CHECK(elsewhere == dir.file("t." + std::to_string(::getpid()) + ".weft"));
  REQUIRE(publish(second, elsewhere.c_str()) == Published::done);
  CHECK(contents(path) == "first");
  CHECK(contents(elsewhere) == "second");
  ::close(second.fd);

  // Once the first has gone, its file is anyone's.
  ::close(first.fd);
  CHECK_FALSE(weft::detail::written_by_another(path.c_str()));
  UnpublishedFile third = create_unpublished(path.c_str());
  REQUIRE(third.fd >= 0);
  write_text(third.fd, "third");
  REQUIRE(publish(third, path.c_str()) == Published::done);
  CHECK(contents(path) == "third");
  ::close(third.fd);
}

TEST_CASE("trace file: an abandoned file leaves nothing behind and a missing directory says so", "[config]") {
  weft::test::TempDir dir;
  UnpublishedFile file = create_unpublished(dir.file("t.weft").c_str());
  REQUIRE(file.fd >= 0);
  write_text(file.fd, "never published");
  abandon(file);
  CHECK(file.fd == -1);
  CHECK(entries(dir.path()) == 0);

  errno = 0;
  const UnpublishedFile none = create_unpublished(dir.file("no-such-dir/t.weft").c_str());
  CHECK(none.fd == -1);
  CHECK(errno == ENOENT);
}

TEST_CASE("trace file: written in place where the directory takes no new file", "[config]") {
  // What a process does whose directory refuses it a new file but whose
  // file at the path was made for it (root, running these tests, is
  // refused nothing: the fallback is called directly).
  weft::test::TempDir dir;
  const std::string path = dir.write_text("t.weft", "made beforehand");
  const int fd = weft::detail::open_in_place(path.c_str());
  REQUIRE(fd >= 0);
  CHECK(contents(path).empty());  // emptied, then written
  write_text(fd, "trace");
  CHECK(contents(path) == "trace");
  errno = 0;
  CHECK(weft::detail::open_in_place(path.c_str()) == -1);  // held by a live writer
  CHECK(errno == EWOULDBLOCK);
  ::close(fd);
  CHECK(weft::detail::open_in_place(dir.file("missing.weft").c_str()) == -1);
  CHECK(errno == ENOENT);
}
