// One run of ipc_child (the pipe and process-shared primitive tests): what
// it printed, the first process's trace and its children's, each loaded on
// its own (the tests look at what each process recorded), in pid order.
// Every trace must be complete.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include <weft/format/loader.hpp>

namespace weft::test {

struct IpcRun {
  std::string out;
  weft::format::Trace parent;
  std::vector<weft::format::Trace> children;
  std::vector<const weft::format::Trace*> all() const {
    std::vector<const weft::format::Trace*> v{&parent};
    for (const weft::format::Trace& c : children) v.push_back(&c);
    return v;
  }
};

inline IpcRun run_ipc(const std::vector<std::string>& args) {
  TempDir dir;
  const std::string trace = dir.file("x.weft");
  std::vector<std::string> argv{WEFT_IPC_CHILD};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = run_child(argv, with_env({{"WEFT_TRACE", trace}}));
  INFO(r.failure() << "\n" << r.err);
  REQUIRE(r.exited(0));
  IpcRun run{r.out, weft::format::load_trace(trace), {}};
  std::map<std::uint64_t, std::string> members;  // pid -> "x.<pid>.weft"
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    if (name != "x.weft" && name.rfind("x.", 0) == 0) members[std::stoull(name.substr(2))] = entry.path().string();
  }
  for (const auto& [pid, path] : members) {
    run.children.push_back(weft::format::load_trace(path));
    CHECK(run.children.back().info.pid == pid);
    CHECK(run.children.back().info.parent_pid == run.parent.info.pid);
  }
  for (const weft::format::Trace* t : run.all()) {
    CHECK_FALSE(t->truncated);
    CHECK(t->end.has_value());
  }
  return run;
}

}  // namespace weft::test
