// `weft record`: bad input refused in one line before anything runs, the
// program's environment and exit status, and the line said afterwards.
//
// Most cases run a copy of weft in a scratch directory: alone there (no
// preload library: input is checked before the library is looked for), or
// beside a stand-in library (fixtures/fake_preload.cpp) that reports its
// environment and writes a given trace. Only the last case needs the real
// libweft_preload.so and is skipped, with a warning, until it is built.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"

namespace fs = std::filesystem;
using weft::test::ChildOptions;
using weft::test::ChildResult;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;

namespace {

// A copy of weft in its own directory, with the stand-in library beside it
// or not.
struct Weft {
  TempDir dir;
  std::string binary;
  explicit Weft(bool with_preload) {
    binary = dir.file("weft");
    fs::copy_file(WEFT_CLI, binary);
    if (with_preload) fs::copy_file(WEFT_FAKE_PRELOAD, dir.path() / "libweft_preload.so");
  }
  std::string preload() const { return (dir.path() / "libweft_preload.so").string(); }
  ChildResult record(const std::vector<std::string>& args, std::map<std::string, std::string> env = {}) const {
    std::vector<std::string> argv{binary, "record"};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildOptions o;
    o.env = std::move(env);
    o.cwd = dir.path().string();
    return run_child(argv, o);
  }
  // Files in the directory other than weft and its library.
  std::vector<std::string> leftovers() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path())) {
      const std::string n = e.path().filename().string();
      if (n != "weft" && n != "libweft_preload.so" && n != "inputs") names.push_back(n);
    }
    return names;
  }
};

std::map<std::string, std::string> read_report(const std::string& path) {
  std::map<std::string, std::string> values;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);)
    if (const auto eq = line.find('='); eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
  return values;
}

// A trace of the ABC scenario, written once per test that needs one.
std::string abc_trace(const TempDir& dir) {
  const std::string path = dir.file("abc.weft");
  const auto r = run_child({WEFT_ABC_SCENARIO}, weft::test::with_env({{"WEFT_TRACE", path}}));
  REQUIRE(r.exit_code == 0);
  return path;
}

}  // namespace

TEST_CASE("record --help explains it, without a program it is a usage error", "[cli][record]") {
  const Weft weft(false);
  const auto help = weft.record({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("usage: weft record [-o FILE] [-f] [--] PROGRAM [ARGS...]") != std::string::npos);
  CHECK(help.out.find("--follow") != std::string::npos);
  for (const std::vector<std::string>& args : {std::vector<std::string>{}, {"-f"}, {"-o", "x.weft"}, {"--"}}) {
    const auto r = weft.record(args);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "weft: record: which program? usage: weft record [-o FILE] [-f] [--] PROGRAM [ARGS...]\n");
  }
  const auto bad = weft.record({"--colour", "/bin/true"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "weft: record: unknown option --colour\n");
  CHECK(weft.leftovers().empty());
}

TEST_CASE("record refuses what it cannot run or trace, in one line, before running anything", "[cli][record]") {
  // No preload library beside this weft: each refusal comes first.
  const Weft weft(false);
  const fs::path inputs = weft.dir.path() / "inputs";
  fs::create_directory(inputs);
  const std::string text = (inputs / "notes.txt").string();
  std::ofstream(text) << "not a program\n";
  const std::string data = (inputs / "data.bin").string();
  std::ofstream(data) << "\x01\x02\x03 not ELF, not a script\n";
  fs::permissions(data, fs::perms::owner_exec, fs::perm_options::add);
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"weft-no-such-program-anywhere"}, "weft record: weft-no-such-program-anywhere: not found (looked in PATH)\n"},
      {{"./missing"}, "weft record: ./missing: No such file or directory\n"},
      {{inputs.string()}, "weft record: " + inputs.string() + " is a directory, not a program\n"},
      {{text}, "weft record: " + text + " is not executable\n"},
      {{data}, "weft record: " + data + " is neither an ELF executable nor a #! script, so weft cannot run it\n"},
      {{"-o", "/proc/nonexistent/x.weft", "/bin/sh", "-c", "true"},
       "weft record: cannot write the trace /proc/nonexistent/x.weft: No such file or directory\n"},
      {{"-o", inputs.string(), "/bin/sh"},
       "weft record: cannot write the trace " + inputs.string() + ": it is a directory\n"},
  };
#ifdef WEFT_STATIC_PROGRAM
  cases.push_back({{WEFT_STATIC_PROGRAM},
                   std::string("weft record: ") + WEFT_STATIC_PROGRAM +
                       " is statically linked: preloading needs the dynamic loader, so weft cannot trace it\n"});
#else
  WARN("no statically linked fixture (the toolchain cannot link -static): that case is not tested");
#endif
  for (const Case& c : cases) {
    INFO(c.message);
    const auto r = weft.record(c.args);
    CHECK(r.exit_code == 2);
    CHECK(r.err == c.message);
    CHECK(one_line(r.err));
    CHECK(r.out.empty());
    CHECK(weft.leftovers().empty());  // no trace, not even an empty one
  }
  // A program weft could run: only now is the library missed.
  const auto r = weft.record({"/bin/sh", "-c", "exit 0"});
  CHECK(r.exit_code == 2);
  // Both places it can be: beside weft (a build tree), and weft's private
  // directory of an installed tree.
  CHECK(r.err == "weft record: cannot find libweft_preload.so (looked at " + weft.dir.path().string() +
                     "/libweft_preload.so, " + weft.dir.path().parent_path().string() +
                     "/lib/weft/libweft_preload.so; build the weft_preload target)\n");
  CHECK(weft.leftovers().empty());
}

TEST_CASE("record refuses a setuid program: the loader would ignore LD_PRELOAD", "[cli][record]") {
  const Weft weft(true);
  const std::string copy = weft.dir.file("setuid-true");
  fs::copy_file("/bin/true", copy);
  struct statvfs vfs {};
  if (::getuid() != 0 || (::statvfs(copy.c_str(), &vfs) == 0 && (vfs.f_flag & ST_NOSUID))) {
    WARN("not root, or the temporary directory is mounted nosuid: a program setuid to another user cannot be made");
    return;
  }
  // Setuid to another user (nobody): running it changes who it is, so the
  // loader runs in secure mode.
  REQUIRE(::chown(copy.c_str(), 65534, 65534) == 0);
  REQUIRE(::chmod(copy.c_str(), 04755) == 0);
  const auto r = weft.record({copy});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "weft record: " + copy + " is setuid: the dynamic loader ignores LD_PRELOAD for it\n");
  REQUIRE(::chmod(copy.c_str(), 02755) == 0);
  const auto g = weft.record({copy});
  CHECK(g.exit_code == 2);
  CHECK(g.err == "weft record: " + copy + " is setgid: the dynamic loader ignores LD_PRELOAD for it\n");
  // Setuid to ourselves changes nothing: it runs.
  REQUIRE(::chown(copy.c_str(), ::getuid(), ::getgid()) == 0);
  REQUIRE(::chmod(copy.c_str(), 06755) == 0);
  CHECK(weft.record({copy}).exit_code == 0);
}

TEST_CASE("record gives the program its environment and passes its exit status through", "[cli][record]") {
  const Weft weft(true);
  const std::string report = weft.dir.file("report.txt");
  const auto r = weft.record({"-o", "t.weft", "--", "/bin/sh", "-c", "exit 7"},
                             {{"WEFT_FAKE_REPORT", report}, {"WEFT_BUFFER_EVENTS", "2048"}});
  CHECK(r.exit_code == 7);
  CHECK(r.err ==
        "weft record: /bin/sh wrote no trace (it may have exited with _exit or exec'd without -f); the program exited "
        "with status 7\n");
  const auto seen = read_report(report);
  CHECK(seen.at("LD_PRELOAD") == weft.preload());
  CHECK(seen.at("WEFT_TRACE") == weft.dir.file("t.weft"));
  CHECK(seen.at("WEFT_RECORD_PID") != "(unset)");  // the library reports only where it equals its pid
  CHECK(seen.at("WEFT_RECORD_FOLLOW") == "(unset)");
  CHECK(seen.at("WEFT_BUFFER_EVENTS") == "2048");

  // -f; a LD_PRELOAD of the caller's is kept, after weft's; the program's
  // own flags are its own, -- or not.
  // (The caller's LD_PRELOAD is weft's own environment too: in an ASan
  // build of weft, ASan would refuse to start behind a preloaded library.)
  const auto f = weft.record({"-f", "sh", "-c", "exit 0"},
                             {{"WEFT_FAKE_REPORT", report},
                              {"LD_PRELOAD", weft.preload()},
                              {"WEFT_RECORD_FOLLOW", "0"},
                              {"ASAN_OPTIONS", "verify_asan_link_order=0"}});
  CHECK(f.exit_code == 0);
  const auto seen_f = read_report(report);
  CHECK(seen_f.at("LD_PRELOAD") == weft.preload() + ":" + weft.preload());
  CHECK(seen_f.at("WEFT_TRACE") == weft.dir.file("sh.weft"));
  CHECK(seen_f.at("WEFT_RECORD_FOLLOW") == "1");

  // A script runs through its interpreter.
  const std::string script = weft.dir.file("script.sh");
  std::ofstream(script) << "#!/bin/sh\nexit 5\n";
  fs::permissions(script, fs::perms::owner_exec, fs::perm_options::add);
  CHECK(weft.record({script}).exit_code == 5);
}

TEST_CASE("record summarizes the trace in one line, children and incomplete traces included", "[cli][record]") {
  const Weft weft(true);
  TempDir source_dir;
  const std::string source = abc_trace(source_dir);
  const std::regex summary("weft record: wrote t\\.weft: [1-9][0-9]* events, [1-9][0-9]* threads?\n");

  const auto ok = weft.record({"-o", "t.weft", "/bin/sh", "-c", "exit 0"}, {{"WEFT_FAKE_TRACE", source}});
  CHECK(ok.exit_code == 0);
  CHECK(std::regex_match(ok.err, summary));
  CHECK(fs::exists(weft.dir.path() / "t.weft"));

  // Killed, the trace cut short: said, and 128 + 9.
  const auto killed = weft.record({"-o", "t.weft", "/bin/sh", "-c", "kill -9 $$"},
                                  {{"WEFT_FAKE_TRACE", source}, {"WEFT_FAKE_TRACE_BYTES", "600"}});
  CHECK(killed.exit_code == 128 + 9);
  CHECK(one_line(killed.err));
  CHECK(std::regex_match(killed.err, std::regex("weft record: wrote t\\.weft: [0-9]+ events, [0-9]+ threads?; "
                                                "incomplete: the program was killed by signal 9 .*\n")));

  // -f: the descendants' traces, written during this run, are named.
  std::ofstream(weft.dir.file("t.1.weft")) << "an old child trace, from before this run\n";
  const struct timespec old[2] = {{1000, 0}, {1000, 0}};
  ::utimensat(AT_FDCWD, weft.dir.file("t.1.weft").c_str(), old, 0);
  const auto follow =
      weft.record({"-f", "-o", "t.weft", "/bin/sh", "-c", "/bin/true; /bin/true; exit 3"}, {{"WEFT_FAKE_TRACE", source}});
  CHECK(follow.exit_code == 3);
  const std::regex with_children(
      "weft record: wrote t\\.weft: [0-9]+ events, [0-9]+ threads?; children: t\\.([0-9]+)\\.weft, t\\.([0-9]+)\\.weft; "
      "the program exited with status 3\n");
  CHECK(std::regex_match(follow.err, with_children));
  CHECK(follow.err.find("t.1.weft") == std::string::npos);

  // A stale trace at the path, not rewritten by this run, is not reported as written.
  ::utimensat(AT_FDCWD, weft.dir.file("t.weft").c_str(), old, 0);
  const auto stale = weft.record({"-o", "t.weft", "/bin/sh", "-c", "exit 0"});
  CHECK(stale.exit_code == 0);
  CHECK(stale.err.find("wrote no trace") != std::string::npos);
}

// _exit runs no atexit handler, weft's among them: the traces of a program
// and of its forked child that ended so had no end record (an incomplete
// trace, a partial verdict), and lost what was not written yet. A vfork
// child's _exit must leave its parent's trace alone. exit(n) and a return
// from main run it, but do not tell it the status: the end said 0.
TEST_CASE("record completes the traces of processes that end by _exit or quick_exit with their statuses", "[cli][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  const Weft weft(false);
  fs::copy_file(WEFT_PRELOAD, weft.preload());
  const auto r = weft.record({"-f", "-o", "ends.weft", WEFT_ENDS_BY_UNDERSCORE_EXIT});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 5);
  CHECK(r.out == "child 3, vfork child 4\n");
  CHECK(r.err.find("incomplete") == std::string::npos);
  const auto check = run_child({weft.binary, "check", weft.dir.file("ends.weft")});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.err.find("END record") == std::string::npos);
  // Both processes, each with its exit status and both threads' work.
  const auto dump = run_child({weft.binary, "dump", weft.dir.file("ends.weft")});
  CHECK(std::regex_search(dump.out, std::regex("# process .*, exit 5; file .*ends\\.weft\n")));
  CHECK(std::regex_search(dump.out, std::regex("# process .*, exit 3; file .*ends\\.[0-9]+\\.weft\n")));
  CHECK(std::regex_search(dump.out, std::regex("ended by exit")));

  // From an atexit handler, once main has left by pthread_exit.
  const auto a = weft.record({"-o", "atexit.weft", WEFT_ENDS_BY_UNDERSCORE_EXIT, "atexit"});
  INFO(a.out << a.err);
  CHECK(a.exit_code == 6);
  CHECK(a.err.find("incomplete") == std::string::npos);
  CHECK(run_child({weft.binary, "check", weft.dir.file("atexit.weft")}).exit_code == 0);

  // A child forked by a thread other than main, ending by exit(): that
  // thread is the child's main thread, and ends with it, after its exit
  // was recorded (it ended in its thread_local destructors, first, and the
  // process's exit was dropped: a partial verdict).
  // The trace's end says the status of exit(7), and of main's return (9).
  const auto f = weft.record({"-f", "-o", "forked.weft", WEFT_ENDS_BY_UNDERSCORE_EXIT, "thread-fork"});
  INFO(f.out << f.err);
  CHECK(f.exit_code == 9);
  const auto fdump = run_child({weft.binary, "dump", weft.dir.file("forked.weft")});
  INFO(fdump.out);
  CHECK(std::regex_search(fdump.out, std::regex("# process .*, exit 9; file .*forked\\.weft\n")));
  CHECK(std::regex_search(fdump.out, std::regex("# process .*, exit 7; file .*forked\\.[0-9]+\\.weft\n")));
  const std::smatch child_file = [&] {
    std::smatch m;
    std::regex_search(fdump.out, m, std::regex("# process .*, parent [1-9][0-9]*\\), exit [0-9]+; file (.*forked\\.[0-9]+\\.weft)\n"));
    return m;
  }();
  REQUIRE(child_file.size() == 2);
  const auto fcheck = run_child({weft.binary, "check", child_file[1].str()});
  INFO(fcheck.out << fcheck.err);
  CHECK(fcheck.exit_code == 0);
  CHECK(fcheck.err.find("dropped") == std::string::npos);

  // quick_exit runs no atexit handler either, but at_quick_exit's: the
  // trace is complete, with its status.
  const auto q = weft.record({"-o", "quick.weft", WEFT_ENDS_BY_UNDERSCORE_EXIT, "quick"});
  INFO(q.out << q.err);
  CHECK(q.exit_code == 11);
  CHECK(q.err.find("incomplete") == std::string::npos);
  CHECK(run_child({weft.binary, "check", weft.dir.file("quick.weft")}).exit_code == 0);
  CHECK(std::regex_search(run_child({weft.binary, "dump", weft.dir.file("quick.weft")}).out,
                          std::regex("ended by exit 11\n")));
#endif
}

TEST_CASE("record traces an unmodified threaded program with the real preload library", "[cli][record]") {
#ifndef WEFT_PRELOAD
  WARN("this build has no weft_preload target: skipped");
#else
  // A copy of weft beside the library, wherever the build puts it.
  const Weft weft(false);
  fs::copy_file(WEFT_PRELOAD, weft.preload());
  const auto r = weft.record({"-o", "plain.weft", WEFT_PLAIN_THREADS});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(std::regex_match(r.err, std::regex("weft record: wrote plain\\.weft: [1-9][0-9]* events, [3-9][0-9]* threads\n")));
  CHECK(fs::exists(weft.dir.path() / "plain.weft"));
  // Its std::lock_guard sites read back as the guard's own line when the
  // guard is inlined (an optimized build), not libstdc++'s gthr-default.h.
  const auto dump = run_child({weft.binary, "dump", weft.dir.file("plain.weft")});
  CHECK(dump.exit_code == 0);
#ifdef __OPTIMIZE__
  CHECK(std::regex_search(dump.out, std::regex("mutex\\.acquired .* plain_threads\\.cpp:11 \\(")));
  CHECK(dump.out.find("gthr-default.h") == std::string::npos);
#endif
  // The library itself sits next to weft in the build tree, as record looks for it.
  const fs::path beside = fs::path(WEFT_CLI).parent_path() / "libweft_preload.so";
  if (!fs::exists(beside)) WARN("libweft_preload.so is not built next to weft (" << beside.string() << ")");
#endif
}
