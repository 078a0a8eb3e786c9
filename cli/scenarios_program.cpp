#include "scenarios_program.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "companions.hpp"

namespace weft::cli {
std::string scenarios_program() {
  return find_companion("weft-scenarios", "WEFT_SCENARIOS_BIN", "is weft-scenarios built, or weft installed whole?");
}

namespace {

// fork + exec of `path`; in the child, `prepare` runs first (redirections).
template <class Prepare>
pid_t spawn(const std::string& path, std::vector<std::string> argv, const Environment& env, Prepare prepare) {
  std::vector<char*> raw;
  for (std::string& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    prepare();
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    ::execv(path.c_str(), raw.data());
    std::fprintf(stderr, "weft: cannot run %s: %s\n", path.c_str(), std::strerror(errno));
    ::_exit(127);
  }
  return pid;
}

// weft-scenarios with `args`.
std::vector<std::string> scenarios_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv{scenarios_program()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

}  // namespace

pid_t spawn_program(const std::string& path, const std::vector<std::string>& argv, const Environment& env, bool quiet,
                    const std::function<void()>& in_child) {
  return spawn(path, argv, env, [quiet, &in_child] {
    if (quiet) {
      const int null = ::open("/dev/null", O_WRONLY);
      if (null >= 0) {
        ::dup2(null, 1);
        ::dup2(null, 2);
        ::close(null);
      }
    }
    if (in_child) in_child();
  });
}

pid_t spawn_scenarios_program(const std::vector<std::string>& args, const Environment& env, bool quiet) {
  const std::vector<std::string> argv = scenarios_argv(args);
  return spawn_program(argv.front(), argv, env, quiet);
}

int wait_scenarios_program(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 127;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int run_scenarios_program(const std::vector<std::string>& args, const Environment& env) {
  return wait_scenarios_program(spawn_scenarios_program(args, env, false));
}

std::optional<std::string> capture_scenarios_program(const std::vector<std::string>& args) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error(std::string("pipe failed: ") + std::strerror(errno));
  const std::vector<std::string> argv = scenarios_argv(args);
  const pid_t pid = spawn(argv.front(), argv, {}, [&] {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
  });
  ::close(out[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  if (wait_scenarios_program(pid) != 0) return std::nullopt;
  return text;
}

}  // namespace weft::cli
