// `weft explore NAME` and `weft explore -- PROGRAM [ARGS]`: runs a scenario,
// or an unmodified program through weft record's preload library, many
// times under weft's controlled scheduler (tracer/src/explore), each run one
// interleaving chosen by its
// seed (random, pct) or by a search (dfs); checks every run's trace; groups
// the findings by kind, objects and sites; and says, per distinct finding,
// how many runs showed it, the first seed that did, how to replay that run
// and where its trace was kept. Exit status: 0 no run found anything, 1
// something was found (with --check: the union of the findings is not the
// scenario's declared verdict), 2 bad input.
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "explore_search.hpp"
#include "run_server.hpp"
#include "scenarios_program.hpp"
#include "traced_program.hpp"
#include "weft/analysis/check.hpp"
#include "weft/format/run.hpp"
#include "weft/symbolize/symbolize.hpp"

namespace weft::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Settings {
  std::string name, strategy = "random", dir;
  // An unmodified program instead of a scenario: its command line, as
  // given and as found.
  std::vector<std::string> program;
  TracedProgram traced;
  std::uint64_t runs = 1000, seed = 0;
  std::uint32_t depth = 3, bound = 2;
  std::uint64_t time_limit_s = 60;
  unsigned jobs = 1;
  bool stop_at_first = false, check = false, early_timers = false;
  bool timing_bet = false;  // the scenario declares its bug a bet on its sleeps: early timers by default
};

// A run's traces: its first process's file and, beside it, one per other
// process it followed ("x.weft", "x.1234.weft"), kept, copied or removed
// together, so that a kept run's trace loads whole.
void remove_run_traces(const std::string& trace) {
  std::error_code ec;
  for (const auto& [pid, member] : format::member_trace_files(trace)) fs::remove(member, ec);
  fs::remove(trace, ec);
}

void move_run_traces(const std::string& from, const std::string& to) {
  for (const auto& [pid, member] : format::member_trace_files(from))
    fs::rename(member, format::member_trace_path(to, pid));
  fs::rename(from, to);
}

void copy_run_traces(const std::string& from, const std::string& to) {
  for (const auto& [pid, member] : format::member_trace_files(from))
    fs::copy_file(member, format::member_trace_path(to, pid), fs::copy_options::overwrite_existing);
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

std::uint64_t parse_count(const std::string& flag, const std::optional<std::string>& text, std::uint64_t fallback,
                          std::uint64_t low, std::uint64_t high) {
  if (!text) return fallback;
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(*text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text->size() || text->empty() || (*text)[0] == '-' || v < low || v > high)
    throw usage_error("explore: " + flag + " wants a whole number from " + std::to_string(low) + " to " +
                      std::to_string(high) + ", not '" + *text + "'");
  return v;
}

// One distinct finding: the same kind, objects and sites in every run that
// showed it.
//
// "First" is the lowest-numbered run that showed it, not the first to
// finish: with several jobs, runs end out of order, and the report (which
// run, which seed, which trace is kept, the findings' order) must be the
// same for the same seed however many jobs ran it.
struct Group {
  analysis::Finding first;
  std::uint64_t runs = 0;
  std::uint64_t first_run = 0, first_seed = 0, horizon = 0;
  std::size_t first_index = 0;  // the finding's place in its run's report
  std::string trace;  // the first run's, kept
  std::string sites;  // where it is, as its key has it: "a.cpp:8, b.cpp:12"
};

// A finding's sites, sorted: with its kind and subject, what tells one group
// from another.
std::vector<std::string> sorted_sites(const format::Trace& t, const analysis::Finding& f) {
  std::vector<std::string> sites;
  for (std::uint32_t s : f.sites) sites.push_back(t.site_label(s));
  std::sort(sites.begin(), sites.end());
  return sites;
}

std::string group_key(const format::Trace& t, const analysis::Finding& f) {
  std::string key = std::string(analysis::finding_kind_name(f.kind)) + "|" + f.about;
  for (const std::string& s : sorted_sites(t, f)) key += "|" + s;
  return key;
}

std::string slug(std::string_view kind) {
  std::string s;
  for (char c : kind) s += (c == ' ' ? '-' : c);
  return s;
}

class Explorer {
 public:
  Explorer(Settings s, analysis::Expectations expected)
      : s_(std::move(s)), expected_(std::move(expected)), search_(s_.bound) {
    options_.marks_pattern = expected_.marks;
  }

  int run();

 private:
  struct Running {
    pid_t pid;
    std::uint64_t run, seed, horizon;
    std::string trace;
    unsigned cpu;
    RunServer* server = nullptr;  // the fork server running it (pid is then -1)
  };
  void launch(std::uint64_t run);
  RunServer& idle_server();
  std::optional<Running> wait_for_run();
  void finish(const Running& r);
  void progress(bool last);
  std::string replay_command(const Group& g) const;
  int report();

  Settings s_;
  analysis::Expectations expected_;
  analysis::CheckOptions options_;
  PreemptionBoundedSearch search_;
  std::vector<Running> running_;
  // Runs are forked by fork servers (run_server.hpp), one per job, unless
  // WEFT_EXPLORE_SPAWN=1 asks for a new process each.
  bool serve_ = [] {
    const char* v = std::getenv("WEFT_EXPLORE_SPAWN");
    return v == nullptr || std::string(v) != "1";
  }();
  std::vector<std::unique_ptr<RunServer>> servers_;
  std::map<std::string, Group> groups_;
  std::vector<std::string> order_;  // group keys, as report() lists them (sorted there)
  std::uint64_t done_ = 0, found_runs_ = 0, budget_stops_ = 0, diverged_ = 0, failed_ = 0;
  std::uint64_t first_failed_run_ = 0, first_failed_seed_ = 0;  // the lowest-numbered run that failed
  // pct: the longest run so far, in steps; 0 until a run has finished. PCT
  // spreads its priority changes over the steps a run takes, so this must be
  // what runs take, not a floor: with 1000 a program of 15 steps never met
  // its change points, and pct ran it by fixed priorities (a deadlock that
  // random scheduling found in a third of the runs, pct in 0.2%).
  std::uint64_t horizon_ = 0;
  static constexpr std::uint64_t kFirstHorizon = 64;  // a guess, for the runs launched before any finished
  bool exhausted_ = false, stop_ = false;
  std::string budget_example_;
  std::uint64_t budget_run_ = 0, budget_seed_ = 0;  // the lowest-numbered run the budget stopped
  Clock::time_point start_ = Clock::now(), last_progress_{};
  const bool terminal_ = ::isatty(2) != 0;
};

void Explorer::launch(std::uint64_t run) {
  // Each run on a CPU of its own (its threads take turns on it).
  unsigned cpu = 0;
  while (std::any_of(running_.begin(), running_.end(), [cpu](const Running& o) { return o.cpu == cpu; })) ++cpu;
  const std::uint64_t horizon = horizon_ != 0 ? horizon_ : kFirstHorizon;
  Running r{0, run, s_.seed + run, horizon, (fs::path(s_.dir) / (".run-" + std::to_string(run) + ".weft")).string(),
            cpu % std::max(1u, std::thread::hardware_concurrency())};
  Environment env{{"WEFT_TRACE", r.trace},
                  {"WEFT_EXPLORE", s_.strategy},
                  {"WEFT_EXPLORE_SEED", std::to_string(r.seed)},
                  {"WEFT_EXPLORE_BUDGET_MS", std::to_string(s_.time_limit_s * 1000)},
                  {"WEFT_EXPLORE_CPU", std::to_string(r.cpu)}};
  if (s_.early_timers) env.emplace_back("WEFT_EXPLORE_EARLY_TIMERS", "1");
  if (s_.strategy == "pct") {
    env.emplace_back("WEFT_EXPLORE_DEPTH", std::to_string(s_.depth));
    env.emplace_back("WEFT_EXPLORE_HORIZON", std::to_string(r.horizon));
  }
  if (s_.strategy == "dfs") {
    env.emplace_back("WEFT_EXPLORE_BOUND", std::to_string(s_.bound));
    const std::string prefix = (fs::path(s_.dir) / ".prefix").string();
    std::ofstream out(prefix);
    for (std::uint32_t t : search_.next_prefix()) out << t << '\n';
    env.emplace_back("WEFT_EXPLORE_SCHEDULE", prefix);
  }
  remove_run_traces(r.trace);  // a previous exploration's, in this directory
  if (serve_) {
    r.server = &idle_server();
    r.server->start_run(r.seed, env);
    r.pid = -1;
  } else {
    r.pid = s_.program.empty() ? spawn_scenarios_program({"run", s_.name, "--seed", std::to_string(r.seed)}, env, true)
                               : spawn_traced_program(s_.traced, s_.program, r.trace, env, true);
  }
  running_.push_back(std::move(r));
}

RunServer& Explorer::idle_server() {
  for (const std::unique_ptr<RunServer>& server : servers_)
    if (!server->running()) return *server;
  ServerCommand command;
  if (s_.program.empty()) {
    command.path = scenarios_program();
    command.argv = {command.path, "serve", s_.name};
    // Every symbol bound as the server loads, once: otherwise each forked
    // run binds again, at its first call, each function it calls (the
    // server's bindings happened in runs, and died with them), writing
    // pages it shares with the server. `weft-scenarios serve` takes the
    // variable out of its runs' environment. (A program's server is left
    // to bind lazily, as it would: binding at load fails on a symbol the
    // program never calls and its libraries lack.)
    command.env = {{"LD_BIND_NOW", "1"}};
  } else {  // the program itself, its preload library serving
    command.path = s_.traced.resolved;
    command.argv = s_.program;
    command.env = {{"LD_PRELOAD", preload_list(s_.traced)}};
    command.on_standard_streams = false;
  }
  return *servers_.emplace_back(std::make_unique<RunServer>(std::move(command)));
}

// The next run to end, taken out of running_ (nullopt: a child that was
// not a run ended).
std::optional<Explorer::Running> Explorer::wait_for_run() {
  const auto take = [this](std::vector<Running>::iterator it) {
    Running r = std::move(*it);
    running_.erase(it);
    return r;
  };
  if (!serve_) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) return std::nullopt;
      throw std::runtime_error("explore: waiting for a run failed");
    }
    const auto it = std::find_if(running_.begin(), running_.end(), [pid](const Running& r) { return r.pid == pid; });
    if (it == running_.end()) return std::nullopt;
    return take(it);
  }
  std::vector<pollfd> fds;
  for (const Running& r : running_) fds.push_back({r.server->fd(), POLLIN, 0});
  if (::poll(fds.data(), fds.size(), -1) < 0) {
    if (errno == EINTR) return std::nullopt;
    throw std::runtime_error("explore: waiting for a run failed");
  }
  for (std::size_t k = 0; k < fds.size(); ++k) {
    if (fds[k].revents == 0) continue;
    const auto it = std::find_if(running_.begin(), running_.end(),
                                 [&](const Running& r) { return r.server->fd() == fds[k].fd; });
    if (it != running_.end() && it->server->finish_run()) return take(it);
  }
  return std::nullopt;
}

void Explorer::finish(const Running& r) {
  ++done_;
  std::optional<format::Trace> trace;
  try {
    if (fs::exists(r.trace)) trace = symbolize::load_trace(r.trace);
  } catch (const std::exception&) {
  }
  if (!trace || !trace->schedule) {
    // It crashed before weft could finish its trace, or never started.
    if (failed_++ == 0 || r.run < first_failed_run_) {
      first_failed_run_ = r.run;
      first_failed_seed_ = r.seed;
    }
    remove_run_traces(r.trace);
    if (s_.strategy == "dfs") stop_ = true;  // the search cannot go on without the run's decisions
    return;
  }
  const format::Schedule& sched = *trace->schedule;
  // pct's horizon: the longest run that ended by itself (one cut off by
  // the time limit, a livelock's millions of steps, would spread the
  // priority changes of every later run far past its end).
  if (sched.stop != format::ScheduleStop::Budget) horizon_ = std::max<std::uint64_t>(horizon_, sched.steps);
  if (sched.stop == format::ScheduleStop::Diverged) ++diverged_;
  if (sched.stop == format::ScheduleStop::Budget) {
    // Cut off mid-way, its threads caught in waits that were not over: what
    // a check would say of its trace is about the cut, not the program.
    if (budget_stops_++ == 0 || r.run < budget_run_) {
      budget_example_ = sched.stopped;
      budget_run_ = r.run;
      budget_seed_ = r.seed;
    }
    remove_run_traces(r.trace);
    if (s_.strategy == "dfs" && !search_.advance(sched.decisions)) exhausted_ = true;
    return;
  }

  const analysis::Report report = analysis::check(*trace, options_);
  std::string kept;  // where this run's trace went, for its first finding kept
  for (std::size_t index = 0; index < report.findings.size(); ++index) {
    const analysis::Finding& f = report.findings[index];
    if (f.kind == analysis::FindingKind::TsanReport) continue;
    const std::string key = group_key(*trace, f);
    Group& g = groups_[key];
    const bool new_group = g.runs++ == 0;
    if (new_group) {
      order_.push_back(key);
      for (const std::string& site : sorted_sites(*trace, f)) g.sites += (g.sites.empty() ? "" : ", ") + site;
    }
    // A run numbered before the one that showed it first (it finished
    // later) takes its place, and its trace that one's.
    if (!new_group && r.run >= g.first_run) continue;
    const std::string replaced_trace = new_group ? std::string() : g.trace;
    g.first = f;
    g.first_run = r.run;
    g.first_seed = r.seed;
    g.first_index = index;
    g.horizon = sched.horizon;
    const std::string stem = slug(analysis::finding_kind_name(f.kind)) +
                             (s_.strategy == "dfs" ? "-run-" + std::to_string(r.run + 1)
                                                   : "-seed-" + std::to_string(r.seed));
    g.trace = (fs::path(s_.dir) / (stem + ".weft")).string();
    if (kept.empty()) {
      move_run_traces(r.trace, g.trace);
      kept = g.trace;
    } else if (g.trace != kept) {  // a finding of another kind in the same run: its own copy
      copy_run_traces(kept, g.trace);
    }
    // The replaced run's trace goes, unless another finding still keeps it.
    if (!replaced_trace.empty() && replaced_trace != g.trace &&
        std::none_of(groups_.begin(), groups_.end(), [&](const auto& other) { return other.second.trace == replaced_trace; }))
      remove_run_traces(replaced_trace);
  }
  if (!report.findings.empty()) {
    ++found_runs_;
    if (s_.stop_at_first) stop_ = true;
  }
  if (kept.empty()) remove_run_traces(r.trace);
  if (s_.strategy == "dfs" && !search_.advance(sched.decisions)) exhausted_ = true;
}

void Explorer::progress(bool last) {
  if (!terminal_) return;
  const auto now = Clock::now();
  if (!last && now - last_progress_ < std::chrono::milliseconds(200)) return;
  last_progress_ = now;
  const double secs = std::chrono::duration<double>(now - start_).count();
  std::fprintf(stderr, "\r\033[K  %llu/%llu runs  %.0f runs/s  %zu distinct findings in %llu runs",
               static_cast<unsigned long long>(done_), static_cast<unsigned long long>(s_.runs),
               secs > 0 ? double(done_) / secs : 0.0, order_.size(), static_cast<unsigned long long>(found_runs_));
  if (last) std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

// A word as a shell reads it back: quoted when it holds anything but
// letters, digits and a few safe characters.
std::string shell_word(const std::string& w) {
  if (!w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%") ==
                        std::string::npos)
    return w;
  std::string q = "'";
  for (char c : w) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Explorer::replay_command(const Group& g) const {
  std::string how;
  if (s_.strategy == "dfs") {
    how = " --schedule " + shell_word(g.trace);
  } else {
    how = " --schedule " + std::to_string(g.first_seed);
    if (s_.strategy == "pct")
      how += " --strategy pct --depth " + std::to_string(s_.depth) + " --horizon " + std::to_string(g.horizon);
    if (s_.early_timers) how += " --early-timers";
  }
  if (s_.program.empty()) return "weft run " + s_.name + how;
  std::string cmd = "weft record" + how + " --";
  for (const std::string& a : s_.program) cmd += " " + shell_word(a);
  return cmd;
}

int Explorer::run() {
  std::uint64_t launched = 0;
  while (true) {
    const bool more = !stop_ && !exhausted_ && launched < s_.runs;
    // dfs decides each run from the one before: one at a time.
    const unsigned width = s_.strategy == "dfs" ? 1 : s_.jobs;
    if (more && running_.size() < width) {
      launch(launched++);
      continue;
    }
    if (running_.empty()) break;
    const std::optional<Running> r = wait_for_run();
    if (!r) continue;
    finish(*r);  // what it found is in its trace, whatever its exit status
    progress(false);
  }
  servers_.clear();  // each ends as its input does
  progress(true);
  fs::remove(fs::path(s_.dir) / ".prefix");
  return report();
}

int Explorer::report() {
  const double secs = std::chrono::duration<double>(Clock::now() - start_).count();
  // In the order of the runs that showed them first, and of their reports.
  std::stable_sort(order_.begin(), order_.end(), [&](const std::string& a, const std::string& b) {
    const Group& x = groups_.at(a);
    const Group& y = groups_.at(b);
    return std::tie(x.first_run, x.first_index) < std::tie(y.first_run, y.first_index);
  });
  std::string how = s_.strategy;
  if (s_.strategy == "pct") how += " depth " + std::to_string(s_.depth);
  if (s_.early_timers) how += ", early timers";
  if (s_.strategy == "dfs")
    how += " bound " + std::to_string(s_.bound);
  else
    how += ", seeds " + std::to_string(s_.seed) + ".." + std::to_string(s_.seed + (done_ ? done_ - 1 : 0));
  std::printf("weft explore %s: %llu run%s (%s) in %.1f s, %.0f runs/s\n", s_.name.c_str(),
              static_cast<unsigned long long>(done_), done_ == 1 ? "" : "s", how.c_str(), secs,
              secs > 0 ? double(done_) / secs : 0.0);
  if (s_.timing_bet)
    std::printf("(its bug is a bet on its sleeps, the scenario says: timers may fire early, as with --early-timers)\n");
  if (s_.strategy == "dfs")
    std::printf("%s\n", exhausted_ ? "the search is complete: every schedule within the preemption bound was run"
                                   : "the search is not complete (raise --runs to go on)");
  if (order_.empty()) {
    std::printf("%s\n", budget_stops_ || failed_ ? "no run that was checked found anything" : "no run found anything");
  } else {
    std::printf("%zu distinct finding%s, in %llu of %llu runs:\n", order_.size(), order_.size() == 1 ? "" : "s",
                static_cast<unsigned long long>(found_runs_), static_cast<unsigned long long>(done_));
    // Groups of one title (the same hang, another thread stuck at another
    // place) say where each is, or they read as the same line twice.
    std::map<std::string, int> titles;
    for (const std::string& key : order_) ++titles[groups_.at(key).first.title];
    std::size_t n = 0;
    for (const std::string& key : order_) {
      const Group& g = groups_.at(key);
      std::printf("  [%zu] %s\n", ++n, g.first.title.c_str());
      if (titles[g.first.title] > 1 && !g.sites.empty()) std::printf("      at %s\n", g.sites.c_str());
      std::printf("      in %llu of %llu runs (%.1f%%); first in run %llu", static_cast<unsigned long long>(g.runs),
                  static_cast<unsigned long long>(done_), 100.0 * double(g.runs) / double(done_),
                  static_cast<unsigned long long>(g.first_run + 1));
      if (s_.strategy != "dfs") std::printf(", seed %llu", static_cast<unsigned long long>(g.first_seed));
      std::printf("\n      replay: %s\n      trace:  %s\n", replay_command(g).c_str(), g.trace.c_str());
    }
  }
  if (budget_stops_)
    std::printf("%llu run%s stopped (by the time limit, %llu s, or a thread that reached no scheduling point for "
                "10 s) and not checked; the first, seed %llu: %s\n",
                static_cast<unsigned long long>(budget_stops_), budget_stops_ == 1 ? " was" : "s were",
                static_cast<unsigned long long>(s_.time_limit_s), static_cast<unsigned long long>(budget_seed_),
                budget_example_.c_str());
  if (diverged_)
    std::printf("%llu run%s diverged from their schedule (the program's path depends on more than the schedule)\n",
                static_cast<unsigned long long>(diverged_), diverged_ == 1 ? "" : "s");
  if (failed_)
    std::printf("%llu run%s left no complete trace (crashed?); the first was seed %llu\n",
                static_cast<unsigned long long>(failed_), failed_ == 1 ? "" : "s",
                static_cast<unsigned long long>(first_failed_seed_));

  // A run cut off by the time limit is a finding of its own (a spin, a livelock).
  if (!s_.check) return order_.empty() && failed_ == 0 && budget_stops_ == 0 ? kExitOk : kExitFindings;
  // The union of every run's findings against the scenario's verdict.
  analysis::Report all;
  for (const std::string& key : order_) all.findings.push_back(groups_.at(key).first);
  const analysis::Comparison c = analysis::compare(all, expected_);
  for (const auto& m : c.missing)
    std::printf("expected and never found: %s (%s)\n", std::string(analysis::finding_kind_name(m.kind)).c_str(),
                m.about.c_str());
  for (const auto& u : c.unexpected)
    std::printf("found and not expected: %s (%s)\n", std::string(analysis::finding_kind_name(u.kind)).c_str(),
                u.about.c_str());
  std::printf("%s\n", c.matches() ? "as declared: the findings are the scenario's verdict"
                                  : "not as declared");
  return c.matches() && failed_ == 0 && budget_stops_ == 0 ? kExitOk : kExitFindings;
}

}  // namespace

int run_explore(Args args) {
  Settings s;
  // `-- PROGRAM [ARGS]`: everything after `--` is the program's.
  const auto dashes = std::find(args.begin(), args.end(), std::string("--"));
  const bool a_program = dashes != args.end();
  if (a_program) {
    s.program.assign(dashes + 1, args.end());
    args = args.first(static_cast<std::size_t>(dashes - args.begin()));
  }
  std::optional<std::string> runs, depth, bound, seed, time_limit, dir, jobs;
  command_line::parser p = command_parser("explore");
  p.positional("NAME", s.name, "the scenario (weft list shows them); or, after --, a program and its arguments");
  p.option("--runs", runs, "N", "how many runs, 1 to 10000000 (default 1000; dfs stops early when its search is done)");
  p.option("--strategy", s.strategy, "random|pct|dfs",
           "random: any thread at every point; pct: random priorities changed at D-1 random points; dfs: every "
           "schedule with at most K preemptions (default random)");
  p.option("--depth", depth, "D", "pct: the bug depth it aims at, 1 to 100 (default 3)");
  p.option("--bound", bound, "K", "dfs: the preemption bound, 0 to 100 (default 2)");
  p.option("--seed", seed, "S", "the first run's seed; run i has S+i (default: a random one)");
  p.option("--time-limit", time_limit, "SECONDS",
           "the real time each run may take before it is stopped, 1 to 3600 (default 60; a thread that reaches no "
           "scheduling point for 10 s is stopped sooner)");
  p.flag("--stop-at-first", s.stop_at_first, "stop at the first run that finds something");
  p.flag("--early-timers", s.early_timers,
         "a sleep or timeout may end while other threads can still run, as if they were slow: finds the bugs a "
         "program's sleeps hide, and shows where it relies on timing (default: virtual time moves only when no "
         "thread can run)");
  p.flag("--check", s.check, "exit 0 when the findings of all runs together are the scenario's declared verdict");
  p.option("-o,--output", dir, "DIR",
           "where the traces of the first run of each finding go (default NAME.explore, or PROGRAM.explore)");
  p.footer(
      "weft explore -- PROGRAM [ARGS] explores an unmodified, dynamically linked program through weft record's "
      "preload library: its pthread and std:: threads, mutexes, conditions, reader-writer locks, semaphores, "
      "barriers, once and sleeps are scheduled, its clocks read virtual time. Its output is discarded; replay a run "
      "with the weft record command printed for it. Each run is forked from a process that has loaded the program "
      "(a fork server per job); WEFT_EXPLORE_SPAWN=1 starts a new process for every run instead.");
  p.option("--jobs", jobs, "N", "runs at once, 1 to 64 (default: the number of cores; dfs runs one at a time)");
  const auto one_scenario = [&s](const std::string& second) {
    return "one scenario at a time (got " + s.name + " and " + second + ")";
  };
  if (!parse_command(p, "explore", args, one_scenario)) return kExitOk;
  if (a_program) {
    if (!s.name.empty())
      throw usage_error("explore: a scenario or a program after --, not both (got " + s.name + " and --)");
    if (s.program.empty()) throw usage_error("explore: which program? weft explore [FLAGS] -- PROGRAM [ARGS]");
    if (s.check) throw usage_error("explore: --check compares with a scenario's declared verdict; a program has none");
  } else if (s.name.empty()) {
    throw usage_error("explore: which scenario? " + p.usage());
  }
  if (s.strategy != "random" && s.strategy != "pct" && s.strategy != "dfs")
    throw usage_error("explore: --strategy must be random, pct or dfs, not '" + s.strategy + "'");
  if (depth && s.strategy != "pct") throw usage_error("explore: --depth goes with --strategy pct");
  if (bound && s.strategy != "dfs") throw usage_error("explore: --bound goes with --strategy dfs");
  s.runs = parse_count("--runs", runs, 1000, 1, 10'000'000);
  s.depth = static_cast<std::uint32_t>(parse_count("--depth", depth, 3, 1, 100));
  s.bound = static_cast<std::uint32_t>(parse_count("--bound", bound, 2, 0, 100));
  s.seed = parse_count("--seed", seed, std::random_device{}() % 1'000'000, 0, ~std::uint64_t{0} / 2);
  s.time_limit_s = parse_count("--time-limit", time_limit, 60, 1, 3600);
  s.jobs = static_cast<unsigned>(parse_count("--jobs", jobs, std::max(1u, std::thread::hardware_concurrency()), 1, 64));
  analysis::Expectations expected;
  if (s.program.empty()) {
    // The scenario's verdict (and a check of its name: weft-scenarios says
    // what is wrong with it).
    const std::optional<std::string> described = capture_scenarios_program({"describe", s.name});
    if (!described) return kExitUnusable;
    expected = analysis::parse_expectations(*described);
    // A scenario whose bug is a bet on its sleeps is explored with timers
    // that may fire early: the default mode takes sleeps at their word.
    const nlohmann::json declared = nlohmann::json::parse(*described, nullptr, false);
    if (declared.is_object() && declared.value("timing_bet", false) && !s.early_timers)
      s.early_timers = s.timing_bet = true;
  } else {
    try {
      s.traced = locate_traced_program(s.program.front());
      s.traced.preload = find_preload();
    } catch (const refusal& r) {
      std::fprintf(stderr, "weft explore: %s\n", r.what.c_str());
      return kExitUnusable;
    }
    s.name = fs::path(s.program.front()).filename().string();
  }
  s.dir = dir.value_or(s.name + ".explore");
  std::error_code ec;
  fs::create_directories(s.dir, ec);
  if (ec || !fs::is_directory(s.dir)) throw usage_error("explore: cannot make the directory " + s.dir + ": " + ec.message());
  return Explorer(std::move(s), std::move(expected)).run();
}

}  // namespace weft::cli
