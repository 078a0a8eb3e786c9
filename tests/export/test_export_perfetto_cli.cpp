// `weft export --format perfetto` as a user runs it, on a freshly recorded
// ABC scenario: where it writes, that Perfetto's schema decodes it and it
// shows what the Chrome export shows, and the one-line errors.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include "../support/abc_trace.hpp"
#include "perfetto_view.hpp"

namespace fs = std::filesystem;
using weft::test::one_line;
using weft::test::run_child;
using weft::test::TempDir;
using weft::test::abc_trace;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("export --format perfetto -o FILE writes a trace Perfetto's schema decodes, as the Chrome export shows it",
          "[export-cli][perfetto]") {
  TempDir dir;
  const std::string trace = abc_trace(dir);
  const fs::path out = dir.path() / "out.perfetto-trace";
  const auto r = run_child({WEFT_CLI, "export", "--format", "perfetto", "-o", out.string(), trace});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(one_line(r.out));
  CHECK(r.out.rfind(out.string() + ": " + std::to_string(fs::file_size(out)) + " bytes, ", 0) == 0);
  const weft::test::View p = weft::test::perfetto_view(weft::test::protoc_decode(out));
  for (const std::string& problem : p.problems) INFO(problem);
  CHECK(p.problems.empty());

  const fs::path json = dir.path() / "out.json";
  REQUIRE(run_child({WEFT_CLI, "export", "-o", json.string(), trace}).exit_code == 0);
  std::ifstream in(json);
  const weft::test::View c = weft::test::chrome_view(nlohmann::json::parse(in));
  CHECK(p.process == c.process);
  CHECK(p.threads == c.threads);
  CHECK(p.slices == c.slices);
  CHECK(p.flows == c.flows);
  CHECK(p.instants == c.instants);
  CHECK(p.counters == c.counters);
  CHECK_FALSE(p.flows.empty());
  CHECK(fs::file_size(out) * 3 < fs::file_size(json));
}

TEST_CASE("export --format perfetto writes TRACE.perfetto-trace by default, and to stdout with -o -",
          "[export-cli][perfetto]") {
  TempDir dir;
  const std::string trace = abc_trace(dir);
  const auto r = run_child({WEFT_CLI, "export", trace, "--format", "perfetto"});
  REQUIRE(r.exit_code == 0);
  const fs::path out = dir.path() / "abc.perfetto-trace";
  REQUIRE(fs::exists(out));
  CHECK(r.out.rfind(out.string() + ": ", 0) == 0);
  CHECK_FALSE(fs::exists(dir.path() / "abc.json"));
  for (const auto& entry : fs::directory_iterator(dir.path()))  // no temporary file left behind
    CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);

  const auto piped = run_child({WEFT_CLI, "export", trace, "--format", "perfetto", "-o", "-"});
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.out == read(out));  // the same bytes: the export is deterministic
}

TEST_CASE("export --format perfetto refuses what it cannot do in one line, like the Chrome export",
          "[export-cli][perfetto]") {
  TempDir dir;
  const fs::path text = dir.path() / "notes.weft";
  std::ofstream(text) << "this is not a trace\n";
  const auto corrupt = run_child({WEFT_CLI, "export", "--format", "perfetto", text.string()});
  const auto corrupt_chrome = run_child({WEFT_CLI, "export", text.string()});
  CHECK(corrupt.exit_code == 2);
  CHECK(one_line(corrupt.err));
  CHECK(corrupt.err == corrupt_chrome.err);
  CHECK(corrupt.err.find("not a weft trace") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() / "notes.perfetto-trace"));

  const auto unknown = run_child({WEFT_CLI, "export", "x.weft", "--format", "protobuf"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err == "weft: export: unknown format 'protobuf' (the formats: chrome, perfetto)\n");
  CHECK(unknown.out.empty());

  const auto stdin_trace = run_child({WEFT_CLI, "export", "-", "--format", "perfetto"});
  CHECK(stdin_trace.exit_code == 2);
  CHECK(stdin_trace.err ==
        "weft: export: the trace comes from standard input; say where the Perfetto trace goes (-o FILE, or -o - for "
        "stdout)\n");

  const fs::path sub = dir.path() / "sub";
  fs::create_directory(sub);
  TempDir rec;
  const auto into_dir = run_child({WEFT_CLI, "export", abc_trace(rec), "--format", "perfetto", "-o", sub.string()});
  CHECK(into_dir.exit_code != 0);
  CHECK(one_line(into_dir.err));
  CHECK(into_dir.err.find("it is a directory") != std::string::npos);
}
