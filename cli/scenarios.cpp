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
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "weft/symbolize/symbolize.hpp"

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
  bool as_json = false;
  command_line::parser p = command_parser("list");
  p.flag("--json", as_json, "the catalogue as JSON: each scenario's name, summary, lesson and expected verdict");
  if (!parse_command(p, "list", args)) return kExitOk;
  std::vector<std::string> forwarded{"list"};
  if (as_json) forwarded.push_back("--json");
  return run_scenarios_program(forwarded, "") == 0 ? kExitOk : kExitUnusable;
}

int run_run(Args args) {
  std::string name;
  std::optional<std::string> output, seed, timeout;
  bool then_check = false;
  command_line::parser p = command_parser("run");
  p.positional("NAME", name, "the scenario (weft list shows them)");
  p.option("-o,--output", output, "FILE", "where the trace goes (default: NAME.weft)");
  p.option("--seed", seed, "N", "the seed of the scenario's random choices (default: a random one, logged in the trace)");
  p.option("--timeout", timeout, "S", "stop it, with a complete trace, after S seconds, 1 to 3600 (default: 30, 3 for a hang)");
  p.flag("--check", then_check, "then check the trace against the scenario's declared verdict (exit 0: as declared)");
  const auto one_scenario = [&name](const std::string& second) {
    return "one scenario at a time (got " + name + " and " + second + ")";
  };
  if (!parse_command(p, "run", args, one_scenario)) return kExitOk;
  if (name.empty()) throw usage_error("run: which scenario? " + p.usage());
  // weft-scenarios checks the numbers, in its own words.
  std::vector<std::string> forwarded{"run", name};
  if (seed) forwarded.insert(forwarded.end(), {"--seed", *seed});
  if (timeout) forwarded.insert(forwarded.end(), {"--timeout", *timeout});
  const std::string trace = output.value_or(name + ".weft");
  const int status = run_scenarios_program(forwarded, trace);
  if (status == 2 || status == 127) return kExitUnusable;  // unknown name, bad flag: already said
  // The scenario ran (whatever it did: finding its bugs is `weft check`'s job).
  if (!std::filesystem::exists(trace)) {
    std::fprintf(stderr, "weft: run: the scenario exited with status %d and wrote no trace\n", status);
    return kExitUnusable;
  }
  {
    const format::Trace loaded = symbolize::load_trace(trace);
    std::fprintf(stderr, "weft: %s: %zu events from %zu threads written to %s%s\n", name.c_str(), loaded.events.size(),
                 loaded.threads.size(), trace.c_str(),
                 status == 86 ? " (the program hung and weft stopped it)" : "");
  }
  if (!then_check) return kExitOk;
  // Checked against what the scenario's lesson says it should find.
  return check_trace(trace, "text", capture_scenarios_program({"describe", name}), "scenario " + name);
}

}  // namespace weft::cli
