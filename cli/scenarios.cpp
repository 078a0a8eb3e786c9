// `weft list` and `weft run NAME`: the scenario catalogue lives in the
// weft-scenarios program next to this one (the weft command itself is not
// traced and does not link the scenarios); these hand over to it.
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "cli.hpp"
#include "weft/format/loader.hpp"

namespace weft::cli {
namespace {

std::string scenarios_program() {
  if (const char* override_path = std::getenv("WEFT_SCENARIOS_BIN")) return override_path;
  char self[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) throw std::runtime_error("cannot find the weft-scenarios program (readlink /proc/self/exe failed)");
  self[n] = '\0';
  const std::filesystem::path path = std::filesystem::path(self).parent_path() / "weft-scenarios";
  if (::access(path.c_str(), X_OK) != 0)
    throw std::runtime_error("cannot find the weft-scenarios program next to weft (" + path.string() + ")");
  return path.string();
}

// Runs weft-scenarios with `args` (and WEFT_TRACE if given); its output goes
// straight to ours. Returns its exit status, or 128 + signal.
int run_scenarios_program(const std::vector<std::string>& args, const std::string& trace) {
  std::vector<std::string> argv{scenarios_program()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (std::string& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  std::fflush(stdout);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    if (!trace.empty()) ::setenv("WEFT_TRACE", trace.c_str(), 1);
    ::execv(raw[0], raw.data());
    std::fprintf(stderr, "weft: cannot run %s: %s\n", raw[0], std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

// The same, capturing its standard output.
std::string capture_scenarios_program(const std::vector<std::string>& args) {
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error(std::string("pipe failed: ") + std::strerror(errno));
  std::vector<std::string> argv{scenarios_program()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (std::string& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("weft-scenarios " + args.front() + " failed");
  return text;
}

}  // namespace

int run_list(Args args) {
  std::vector<std::string> forwarded{"list"};
  for (const std::string& a : args) {
    if (a != "--json") throw usage_error("list: unknown option " + a + " (usage: weft list [--json])");
    forwarded.push_back(a);
  }
  return run_scenarios_program(forwarded, "") == 0 ? kExitOk : kExitUnusable;
}

int run_run(Args args) {
  if (args.empty() || args[0].empty() || args[0][0] == '-')
    throw usage_error("run: which scenario? usage: weft run NAME [-o FILE] [--seed N] [--timeout SECONDS] [--check]");
  const std::string name = args[0];
  std::string output = name + ".weft";
  std::vector<std::string> forwarded{"run", name};
  bool then_check = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--check") {
      then_check = true;
    } else if (a == "-o" || a == "--output" || a == "--seed" || a == "--timeout") {
      if (i + 1 == args.size()) throw usage_error("run: " + a + " needs a value");
      if (a == "-o" || a == "--output")
        output = args[++i];
      else
        forwarded.insert(forwarded.end(), {a, args[++i]});
    } else {
      throw usage_error("run: unknown option " + a);
    }
  }
  const int status = run_scenarios_program(forwarded, output);
  if (status == 2 || status == 127) return kExitUnusable;  // unknown name, bad flag: already said
  // The scenario ran (whatever it did: finding its bugs is `weft check`'s job).
  if (!std::filesystem::exists(output)) {
    std::fprintf(stderr, "weft: run: the scenario exited with status %d and wrote no trace\n", status);
    return kExitUnusable;
  }
  {
    const format::Trace trace = format::load_trace(output);
    std::fprintf(stderr, "weft: %s: %zu events from %zu threads written to %s%s\n", name.c_str(), trace.events.size(),
                 trace.threads.size(), output.c_str(),
                 status == 86 ? " (the program hung and weft stopped it)" : "");
  }
  if (!then_check) return kExitOk;
  // Checked against what the scenario's lesson says it should find.
  return check_trace(output, "text", capture_scenarios_program({"describe", name}), "scenario " + name);
}

}  // namespace weft::cli
