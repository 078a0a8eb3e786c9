#include "child.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace weft::compare {

namespace {

// Output past this is read and dropped: the runner needs a line of figures
// or the first line of an error, and what is kept counts in the peak memory
// of the process that spawns the next child (see spawner.hpp).
constexpr std::size_t kKeepBytes = 64 << 10;

// The first line that says something: TSan frames its reports in rules of '='.
std::string first_line(const std::string& text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string line = text.substr(at, end - at);
    if (line.find_first_not_of(" =-") != std::string::npos) return line;
    at = end + 1;
  }
  return {};
}

// posix_spawn's file actions and environment, freed however we leave.
struct spawn_setup {
  posix_spawn_file_actions_t actions;
  std::vector<std::string> env_strings;
  std::vector<char*> envp, args;
  spawn_setup() { posix_spawn_file_actions_init(&actions); }
  ~spawn_setup() { posix_spawn_file_actions_destroy(&actions); }
  spawn_setup(const spawn_setup&) = delete;
  spawn_setup& operator=(const spawn_setup&) = delete;
};

}  // namespace

std::string child_result::failure() const {
  if (!spawn_error.empty()) return spawn_error;
  if (timed_out) return "timed out, killed";
  if (signal != 0) return std::string("killed by signal ") + std::to_string(signal) + " (" + strsignal(signal) + ")";
  const std::string why = first_line(err);
  return "exit status " + std::to_string(exit_code) + (why.empty() ? "" : ": " + why);
}

child_result run_child(const std::vector<std::string>& argv, const child_options& options) {
  child_result result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    result.spawn_error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.spawn_error = std::string("pipe: ") + std::strerror(errno);
    close(out_pipe[0]);
    close(out_pipe[1]);
    return result;
  }

  spawn_setup s;
  posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&s.actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&s.actions, err_pipe[1], 2);
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    if (!options.env.count(entry.substr(0, entry.find('=')))) s.env_strings.push_back(entry);
  }
  for (const auto& [name, value] : options.env) s.env_strings.push_back(name + "=" + value);
  for (std::string& e : s.env_strings) s.envp.push_back(e.data());
  s.envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (std::string& a : argv_copy) s.args.push_back(a.data());
  s.args.push_back(nullptr);

  const auto start = std::chrono::steady_clock::now();
  pid_t pid = -1;
  const bool search = argv.at(0).find('/') == std::string::npos;
  const int rc = search ? posix_spawnp(&pid, s.args[0], &s.actions, nullptr, s.args.data(), s.envp.data())
                        : posix_spawn(&pid, s.args[0], &s.actions, nullptr, s.args.data(), s.envp.data());
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.spawn_error = "cannot run " + argv[0] + ": " + std::strerror(rc);
    return result;
  }

  // Drain both pipes until the child closes them (it exits) or time is up.
  const auto deadline = start + options.timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      result.timed_out = true;
      break;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[8192];
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      std::string& keep = i == 0 ? result.out : result.err;
      if (keep.size() < kKeepBytes) keep.append(buf, std::min(static_cast<std::size_t>(n), kKeepBytes - keep.size()));
    }
  }
  for (pollfd& f : fds)
    if (f.fd >= 0) close(f.fd);

  // Closing its output is not exiting: keep to the deadline while reaping.
  int status = 0;
  rusage usage{};
  for (;;) {
    const pid_t got = wait4(pid, &status, result.timed_out ? 0 : WNOHANG, &usage);
    if (got == pid || (got < 0 && errno != EINTR)) break;
    if (got == 0 && std::chrono::steady_clock::now() >= deadline) {
      kill(pid, SIGKILL);
      result.timed_out = true;
    } else if (got == 0) {
      usleep(200);
    }
  }
  result.wall = std::chrono::steady_clock::now() - start;
  result.max_rss_kb = usage.ru_maxrss;  // kilobytes on Linux
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status) && !result.timed_out) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace weft::compare
