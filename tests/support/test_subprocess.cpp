// The subprocess library (support/) that the tests and weft-compare run their
// children with: what each side relies on, on /bin/sh children.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"
#include "weft/support/subprocess.hpp"

namespace sp = weft::subprocess;
using namespace std::chrono_literals;

TEST_CASE("a child's output, exit status, wall time and peak memory", "[subprocess]") {
  const sp::result r = sp::run({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  CHECK(r.spawn_error.empty());
  CHECK(r.exit_code == 3);
  CHECK(r.signal == 0);
  CHECK_FALSE(r.timed_out);
  CHECK(r.out == "out\n");
  CHECK(r.err == "err\n");
  CHECK(r.wall > 0ns);
  CHECK(r.max_rss_kb > 0);
  CHECK(r.exited(3));
  CHECK_FALSE(r.exited(0));
  CHECK(r.failure() == "exit status 3: err");
}

TEST_CASE("environment added, replaced and removed, working directory, a bare name from PATH", "[subprocess]") {
  ::setenv("WEFT_SUBPROCESS_TEST_KEEP", "kept", 1);
  ::setenv("WEFT_SUBPROCESS_TEST_DROP", "dropped", 1);
  weft::test::TempDir dir;
  sp::options o;
  o.env = {{"WEFT_SUBPROCESS_TEST_NEW", "new"}, {"WEFT_SUBPROCESS_TEST_KEEP", "replaced"}};
  o.unset_env = {"WEFT_SUBPROCESS_TEST_DROP"};
  o.cwd = dir.path().string();
  const sp::result r = sp::run(
      {"sh", "-c", "echo \"$WEFT_SUBPROCESS_TEST_NEW ${WEFT_SUBPROCESS_TEST_KEEP} ${WEFT_SUBPROCESS_TEST_DROP-unset}\"; pwd"}, o);
  REQUIRE(r.exited(0));
  CHECK(r.out == "new replaced unset\n" + std::filesystem::canonical(dir.path()).string() + "\n");
  ::unsetenv("WEFT_SUBPROCESS_TEST_KEEP");
  ::unsetenv("WEFT_SUBPROCESS_TEST_DROP");
}

TEST_CASE("standard input is /dev/null: a child that reads it ends", "[subprocess]") {
  const sp::result r = sp::run({"/bin/sh", "-c", "cat; echo done"});
  CHECK(r.exited(0));
  CHECK(r.out == "done\n");
}

TEST_CASE("a child past its deadline is killed and says so", "[subprocess]") {
  sp::options o;
  o.timeout = 200ms;
  const sp::result r = sp::run({"/bin/sh", "-c", "exec sleep 30"}, o);
  CHECK(r.timed_out);
  CHECK(r.signal == SIGKILL);
  CHECK_FALSE(r.exited(0));
  CHECK(r.failure() == "timed out, killed");
  CHECK(r.wall < 10s);
}

TEST_CASE("the ready text calls back with the pid while the child runs", "[subprocess]") {
  sp::options o;
  o.ready_text = "ready";
  o.on_ready = [](int pid) { ::kill(pid, SIGKILL); };
  const sp::result r = sp::run({"/bin/sh", "-c", "echo ready; exec sleep 30"}, o);
  CHECK_FALSE(r.timed_out);
  CHECK(r.signal == SIGKILL);
  CHECK(r.failure().rfind("killed by signal 9", 0) == 0);
}

TEST_CASE("keep_bytes keeps the start of the output and still drains the rest", "[subprocess]") {
  sp::options o;
  o.keep_bytes = 1000;
  // 1 MB: far past a pipe's buffer, so a child whose output were not read would block.
  const sp::result r = sp::run({"/bin/sh", "-c", "head -c 1000000 /dev/zero; echo fine >&2"}, o);
  CHECK(r.exited(0));
  CHECK(r.out.size() == 1000);
  CHECK(r.err == "fine\n");
}

TEST_CASE("a program that cannot start is a spawn error, not an exception", "[subprocess]") {
  const sp::result r = sp::run({"/nonexistent/program", "x"});
  CHECK_FALSE(r.spawn_error.empty());
  CHECK(r.spawn_error.find("/nonexistent/program") != std::string::npos);
  CHECK(r.failure() == r.spawn_error);
  CHECK_FALSE(r.exited(0));
  CHECK_FALSE(sp::run({}).spawn_error.empty());
}
