#include "weft/support/subprocess.hpp"

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

namespace weft::subprocess {
namespace {

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

// posix_spawn's file actions, its environment and arguments, freed however
// we leave. posix_spawn rather than fork: safe in a multi-threaded parent
// (the tests run children from several threads) and cheap in a large one.
struct spawn_setup {
  posix_spawn_file_actions_t actions;
  std::vector<std::string> env_strings, arg_strings;
  std::vector<char*> envp, args;
  spawn_setup() { posix_spawn_file_actions_init(&actions); }
  ~spawn_setup() { posix_spawn_file_actions_destroy(&actions); }
  spawn_setup(const spawn_setup&) = delete;
  spawn_setup& operator=(const spawn_setup&) = delete;
};

void build_environment(spawn_setup& s, const options& o) {
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    const bool drop = o.env.count(name) > 0 || std::find(o.unset_env.begin(), o.unset_env.end(), name) != o.unset_env.end();
    if (!drop) s.env_strings.push_back(entry);
  }
  for (const auto& [name, value] : o.env) s.env_strings.push_back(name + "=" + value);
  for (std::string& e : s.env_strings) s.envp.push_back(e.data());
  s.envp.push_back(nullptr);
}

struct pipes {
  int out[2] = {-1, -1}, err[2] = {-1, -1};
  ~pipes() {
    for (int fd : {out[0], out[1], err[0], err[1]})
      if (fd >= 0) ::close(fd);
  }
  static void close_one(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// Reads both pipes until the child closes them (it exits) or the deadline
// passes (then it is killed). Calls on_ready once its text is seen.
void drain(pipes& p, pid_t pid, std::chrono::steady_clock::time_point deadline, const options& o, result& r) {
  bool ready_fired = false;
  pollfd fds[2] = {{p.out[0], POLLIN, 0}, {p.err[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      r.timed_out = true;
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[8192];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        pipes::close_one(i == 0 ? p.out[0] : p.err[0]);
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      std::string& keep = i == 0 ? r.out : r.err;
      if (keep.size() < o.keep_bytes)
        keep.append(buf, std::min(static_cast<std::size_t>(n), o.keep_bytes - keep.size()));
    }
    if (!ready_fired && o.on_ready && !o.ready_text.empty() && r.out.find(o.ready_text) != std::string::npos) {
      ready_fired = true;
      o.on_ready(pid);
    }
  }
}

}  // namespace

std::string result::failure() const {
  if (!spawn_error.empty()) return spawn_error;
  if (timed_out) return "timed out, killed";
  if (signal != 0) return std::string("killed by signal ") + std::to_string(signal) + " (" + strsignal(signal) + ")";
  const std::string why = first_line(err);
  return "exit status " + std::to_string(exit_code) + (why.empty() ? "" : ": " + why);
}

result run(const std::vector<std::string>& argv, const options& o) {
  result r;
  if (argv.empty()) {
    r.spawn_error = "nothing to run";
    return r;
  }
  pipes p;
  if (::pipe2(p.out, O_CLOEXEC) != 0 || ::pipe2(p.err, O_CLOEXEC) != 0) {
    r.spawn_error = std::string("pipe: ") + std::strerror(errno);
    return r;
  }

  spawn_setup s;
  posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&s.actions, p.out[1], 1);
  posix_spawn_file_actions_adddup2(&s.actions, p.err[1], 2);
  if (!o.cwd.empty()) posix_spawn_file_actions_addchdir_np(&s.actions, o.cwd.c_str());
  build_environment(s, o);
  s.arg_strings = argv;
  for (std::string& a : s.arg_strings) s.args.push_back(a.data());
  s.args.push_back(nullptr);

  const auto start = std::chrono::steady_clock::now();
  pid_t pid = -1;
  const bool search = argv[0].find('/') == std::string::npos;
  const int rc = search ? posix_spawnp(&pid, s.args[0], &s.actions, nullptr, s.args.data(), s.envp.data())
                        : posix_spawn(&pid, s.args[0], &s.actions, nullptr, s.args.data(), s.envp.data());
  pipes::close_one(p.out[1]);  // the child's ends: ours would keep the pipes open
  pipes::close_one(p.err[1]);
  if (rc != 0) {
    r.spawn_error = "cannot run " + argv[0] + (o.cwd.empty() ? "" : " in " + o.cwd) + ": " + std::strerror(rc);
    return r;
  }

  const auto deadline = start + o.timeout;
  drain(p, pid, deadline, o, r);

  // Closing its output is not exiting: keep to the deadline while reaping.
  int status = 0;
  rusage usage{};
  for (;;) {
    const pid_t got = ::wait4(pid, &status, r.timed_out ? 0 : WNOHANG, &usage);
    if (got == pid || (got < 0 && errno != EINTR)) break;
    if (got == 0 && std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      r.timed_out = true;
    } else if (got == 0) {
      ::usleep(200);
    }
  }
  r.wall = std::chrono::steady_clock::now() - start;
  r.max_rss_kb = usage.ru_maxrss;  // kilobytes on Linux
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  return r;
}

}  // namespace weft::subprocess
