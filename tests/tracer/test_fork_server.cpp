// weft explore's fork server, inside the explored process
// (weft/detail/fork_server.hpp): each request becomes a forked run with
// its variables set, answered with how it ended; a process that already
// runs several threads makes the first run itself instead of forking; a
// malformed request ends the server with status 2.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "weft/detail/fork_server.hpp"

namespace {

std::string request(const std::string& seed, const std::string& env) {
  std::string r = seed + '\0';
  if (!env.empty()) r += env + '\0';
  return r + '\0';
}

// A server in a child process, fed `requests` whole: what it answered
// and its exit status. A run (where serve_forked_runs returns) exits
// with WEFT_TEST_CODE plus its seed; with `extra_thread` the server
// process runs a second thread first.
struct Served {
  std::string answers;
  int status = -1;
};
Served serve(const std::string& requests, bool extra_thread = false) {
  int to[2], from[2];
  REQUIRE(::pipe(to) == 0);
  REQUIRE(::pipe(from) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(to[1]);
    ::close(from[0]);
    if (extra_thread) std::thread([] { ::pause(); }).detach();
    const std::uint64_t seed = weft::detail::explore::serve_forked_runs(to[0], from[1]);
    const char* code = std::getenv("WEFT_TEST_CODE");
    ::_exit(code ? std::atoi(code) + static_cast<int>(seed) : 99);
  }
  ::close(to[0]);
  ::close(from[1]);
  REQUIRE(::write(to[1], requests.data(), requests.size()) == static_cast<ssize_t>(requests.size()));
  ::close(to[1]);
  Served s;
  char buffer[256];
  for (ssize_t n; (n = ::read(from[0], buffer, sizeof buffer)) > 0;) s.answers.append(buffer, static_cast<std::size_t>(n));
  ::close(from[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  s.status = WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
  return s;
}

}  // namespace

TEST_CASE("fork server: each request is a forked run with its variables, answered with how it ended", "[explore]") {
  const Served s = serve(request("1", "WEFT_TEST_CODE=10") + request("2", "WEFT_TEST_CODE=20") + request("3", ""));
  CHECK(s.answers == "exit 11\nexit 22\nexit 99\n");  // the third run has no WEFT_TEST_CODE: its own environment
  CHECK(s.status == 0);                                // the requests ended, and so did it
}

TEST_CASE("fork server: a process of several threads makes the first run itself, unforked", "[explore]") {
  const Served s = serve(request("5", "WEFT_TEST_CODE=30") + request("6", "WEFT_TEST_CODE=40"), true);
  CHECK(s.answers.empty());  // no answer: its end is the run's
  CHECK(s.status == 35);
}

TEST_CASE("fork server: a malformed request ends it with status 2", "[explore]") {
  CHECK(serve(request("x", "")).status == 2);
  CHECK(serve(request("1", "NOEQUALS")).status == 2);
  CHECK(serve(std::string("1\0A=b", 5)).status == 2);
  CHECK(serve(request("99999999999999999999", "")).status == 2);  // past 2^64
  const Served nothing = serve("");
  CHECK(nothing.status == 0);
  CHECK(nothing.answers.empty());
}
