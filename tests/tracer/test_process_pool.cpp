// weft::process_pool (process_pool.hpp) through process_child.cpp: map
// keeps the inputs' order, submit returns a future, a task's exception
// comes back through get(), shutdown refuses more work; and the traces:
// the parent records pool.submit and the waits on each task's object, the
// worker that ran it records task.start and task.end on its own record of
// that object (the same run-wide key), every task is run exactly once, and
// every trace of the run is complete.
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "weft/format/loader.hpp"
#include "weft/format/meaning.hpp"
#include "weft/process.hpp"
#include "weft/process_pool.hpp"


using weft::format::Event;
using weft::format::EventKind;
using weft::format::ObjectKind;
using weft::format::TaskOutcome;
using weft::format::Trace;

namespace {

struct PoolRun {
  std::map<std::string, std::string> facts;  // "key rest" lines of stdout
  Trace parent;
  std::vector<Trace> workers;                // every other trace of the run
};

PoolRun run_pool_mode(const weft::test::TempDir& dir, const std::string& mode) {
  const std::string root = dir.file("x.weft");
  const auto result = weft::test::run_child({WEFT_PROCESS_CHILD, mode}, weft::test::with_env({{"WEFT_TRACE", root}}));
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  PoolRun r;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.find(' ');
    r.facts[line.substr(0, space)] = space == std::string::npos ? "" : line.substr(space + 1);
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    if (entry.path().extension() != ".weft") continue;
    INFO("trace " << entry.path());
    Trace t = weft::format::load_trace(entry.path().string());
    CHECK(t.end.has_value());  // every trace of the run is complete
    if (entry.path().string() == root)
      r.parent = std::move(t);
    else
      r.workers.push_back(std::move(t));
  }
  return r;
}

// What the workers' traces say about each task, by its run-wide key.
struct TaskSeen {
  int starts = 0;
  int ends = 0;
  std::uint64_t outcome = 0;
  std::string process;  // the worker that ran it
};

std::map<std::uint64_t, TaskSeen> tasks_in_workers(const PoolRun& r) {
  std::map<std::uint64_t, TaskSeen> seen;
  for (const Trace& w : r.workers)
    for (const Event& e : w.events) {
      if (e.kind != EventKind::TaskStart && e.kind != EventKind::TaskEnd) continue;
      const auto& o = w.object(e.object);
      REQUIRE(o.kind == ObjectKind::Future);
      TaskSeen& s = seen[o.shared_key];
      if (e.kind == EventKind::TaskStart) {
        ++s.starts;
        CHECK(e.seq == 0);
      } else {
        ++s.ends;
        s.outcome = e.arg;
        CHECK(e.seq == 1);
      }
      s.process = w.info.process_name;
    }
  return seen;
}

}  // namespace

TEST_CASE("weft::process_pool: map in order, submit, a lambda, in worker processes", "[process][pool]") {
  weft::test::TempDir dir;
  const PoolRun r = run_pool_mode(dir, "pool-map");
  std::string squares = "";
  for (int i = 0; i < 20; ++i) squares += (i ? " " : "") + std::to_string(i * i);
  CHECK(r.facts.at("map") == squares);
  CHECK(r.facts.at("submit") == "42");
  CHECK(r.facts.at("done") == "1");
  CHECK(r.facts.at("lambda") == "6");

  // Four workers, each a traced process of the run named after the pool.
  REQUIRE(r.workers.size() == 4);
  std::set<std::string> names;
  for (const Trace& w : r.workers) {
    names.insert(w.info.process_name);
    CHECK(w.info.run_id == r.parent.info.run_id);
    CHECK(w.info.parent_pid == r.parent.info.pid);
  }
  CHECK(names == std::set<std::string>{"pool-worker-0", "pool-worker-1", "pool-worker-2", "pool-worker-3"});

  // Every submitted task: submitted once on the pool (arg: its object),
  // run exactly once by some worker, returned, and waited for by the parent
  // (its wait after the worker's task.end in the object's order).
  std::uint32_t pool = 0;
  for (const auto& o : r.parent.objects)
    if (o.kind == ObjectKind::ThreadPool && o.name == "pool") pool = o.id;
  REQUIRE(pool != 0);
  CHECK(r.parent.object(pool).shared_key != 0);
  const auto seen = tasks_in_workers(r);
  int submitted = 0;
  for (const Event& e : r.parent.events) {
    if (e.kind != EventKind::PoolSubmit) continue;
    CHECK(e.object == pool);
    ++submitted;
    const auto& task = r.parent.object(static_cast<std::uint32_t>(e.arg));
    INFO("task " << task.name);
    CHECK(task.kind == ObjectKind::Future);
    REQUIRE(seen.count(task.shared_key) == 1);
    const TaskSeen& s = seen.at(task.shared_key);
    CHECK(s.starts == 1);
    CHECK(s.ends == 1);
    CHECK(s.outcome == static_cast<std::uint64_t>(TaskOutcome::Returned));
    int waits = 0;
    for (const Event& w : r.parent.events)
      if (w.kind == EventKind::FutureWaitEnd && w.object == task.id) {
        ++waits;
        CHECK(w.arg == 1);
        CHECK(w.seq == 2);
      }
    CHECK(waits == 1);
  }
  CHECK(submitted == 22);
  CHECK(seen.size() == 22);
}

TEST_CASE("weft::process_pool: a task's exception through get(), shutdown refuses more", "[process][pool]") {
  weft::test::TempDir dir;
  const PoolRun r = run_pool_mode(dir, "pool-error");
  CHECK(r.facts.at("error") == "task failed: 5");
  CHECK(r.facts.at("after") == "12");
  CHECK(r.facts.at("after-shutdown") == "runtime_error");
  REQUIRE(r.workers.size() == 2);

  const auto seen = tasks_in_workers(r);
  REQUIRE(seen.size() == 2);
  std::map<std::string, std::uint64_t> outcome;  // by the parent's task name
  for (const auto& o : r.parent.objects)
    if (o.kind == ObjectKind::Future) outcome[o.name.str()] = seen.at(o.shared_key).outcome;
  CHECK(outcome.at("pool.task-0") == static_cast<std::uint64_t>(TaskOutcome::Threw));
  CHECK(outcome.at("pool.task-1") == static_cast<std::uint64_t>(TaskOutcome::Returned));

  int shutdown_begins = 0, shutdown_ends = 0;
  for (const Event& e : r.parent.events) {
    shutdown_begins += e.kind == EventKind::PoolShutdownBegin;
    shutdown_ends += e.kind == EventKind::PoolShutdownEnd;
  }
  // shutdown(), then the destructor's.
  CHECK(shutdown_begins == 2);
  CHECK(shutdown_ends == 2);
}

