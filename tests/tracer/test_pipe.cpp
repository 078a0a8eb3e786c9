// weft::pipe (pipe.hpp). Across processes, through ipc_child's modes run
// traced: each process's trace is loaded and what a user relies on is
// checked — the values arrive, every send's message id is exactly one
// receive's in the other process, both processes name the pipe by the same
// run-wide key, end of file comes once every process closed the send end
// and not before, a receive with a timeout gives up, a 1 MiB message
// crosses whole. In one process: the refusals (wrong direction, closed end,
// a message over the limit, a value of the wrong size) and the broken pipe.
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "../support/subprocess.hpp"
#include "../support/temp_dir.hpp"
#include <weft/format/loader.hpp>

#include "ipc_run.hpp"
#include <weft/format/meaning.hpp>
#include <weft/pipe.hpp>

using weft::format::Event;
using weft::format::EventKind;
using weft::format::Trace;
using namespace std::chrono_literals;

namespace {

using Run = weft::test::IpcRun;
using weft::test::run_ipc;

// The object named `name`, which must carry a run-wide key.
const weft::format::ObjectInfo& object_named(const Trace& t, const std::string& name) {
  const auto it = std::find_if(t.objects.begin(), t.objects.end(), [&](const auto& o) { return o.name == name; });
  REQUIRE(it != t.objects.end());
  CHECK(it->shared_key != 0);
  return *it;
}

std::vector<Event> events_on(const Trace& t, std::uint32_t object, EventKind kind) {
  std::vector<Event> out;
  for (const Event& e : t.events)
    if (e.object == object && e.kind == kind) out.push_back(e);
  return out;
}

std::multiset<std::uint64_t> args_of(const std::vector<Event>& events) {
  std::multiset<std::uint64_t> out;
  for (const Event& e : events) out.insert(e.arg);
  return out;
}

// Every message `from` sent on the pipe named `name` was received exactly
// once by `to`, and nothing else was: the same ids, each once, each sent by
// `from`'s pid, the send numbered before its receive.
void check_paired(const Trace& from, const Trace& to, const std::string& name, std::size_t messages) {
  const auto& sender = object_named(from, name);
  const auto& receiver = object_named(to, name);
  CHECK(sender.shared_key == receiver.shared_key);
  const auto sends = events_on(from, sender.id, EventKind::PipeSend);
  const auto recvs = events_on(to, receiver.id, EventKind::PipeRecv);
  REQUIRE(sends.size() == messages);
  const auto sent = args_of(sends);
  CHECK(sent == args_of(recvs));
  CHECK(std::set<std::uint64_t>(sent.begin(), sent.end()).size() == messages);
  for (const Event& s : sends) {
    CHECK((s.arg >> 32) == from.info.pid);
    const auto r = std::find_if(recvs.begin(), recvs.end(), [&](const Event& e) { return e.arg == s.arg; });
    REQUIRE(r != recvs.end());
    CHECK(s.seq < r->seq);
  }
}

}  // namespace

TEST_CASE("pipe: ping-pong through a duplex pipe, every send received once in the other process", "[pipe][ipc]") {
  const Run run = run_ipc({"ping-pong", "10"});
  CHECK(run.out == "final 10\n");
  REQUIRE(run.children.size() == 1);
  const Trace& child = run.children[0];
  // The parent sends 0, 2, ..., 10; the child 1, 3, ..., 9.
  check_paired(run.parent, child, "ping", 6);
  check_paired(child, run.parent, "ping", 5);
  // One sequence over both processes: no number used twice.
  std::set<std::uint64_t> seqs;
  std::size_t sequenced = 0;
  for (const Trace* t : {&run.parent, &child}) {
    const auto id = object_named(*t, "ping").id;
    for (const Event& e : t->events)
      if (e.object == id && e.seq != weft::format::kNoSeq) {
        seqs.insert(e.seq);
        ++sequenced;
      }
  }
  CHECK(sequenced == 22);
  CHECK(seqs.size() == sequenced);
  CHECK(*seqs.rbegin() == sequenced - 1);
}

TEST_CASE("pipe: one-way, in order, then end of file once the writer closed", "[pipe][ipc]") {
  const Run run = run_ipc({"one-way"});
  CHECK(run.out == "eof\n");
  REQUIRE(run.children.size() == 1);
  const Trace& child = run.children[0];
  check_paired(child, run.parent, "oneway", 5);
  const auto pipe = object_named(run.parent, "oneway").id;
  const auto failed = events_on(run.parent, pipe, EventKind::PipeRecvFailed);
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].arg == static_cast<std::uint64_t>(weft::format::PipeFailure::EndOfFile));
  // Each process closed the end it did not use, and the child its own.
  CHECK(args_of(events_on(run.parent, pipe, EventKind::PipeClose)).count(
            static_cast<std::uint64_t>(weft::format::PipeEnd::Write)) >= 1);
  const auto child_closes = args_of(events_on(child, object_named(child, "oneway").id, EventKind::PipeClose));
  CHECK(child_closes.count(static_cast<std::uint64_t>(weft::format::PipeEnd::Read)) == 1);
  CHECK(child_closes.count(static_cast<std::uint64_t>(weft::format::PipeEnd::Write)) == 1);
}

TEST_CASE("pipe: no end of file while another process holds the send end, a timed receive gives up", "[pipe][ipc]") {
  const Run run = run_ipc({"eof-held"});
  CHECK(run.out == "timeout\neof\n");
  const auto pipe = object_named(run.parent, "data").id;
  // The timed receive waited (begin, arg 1: timed) and gave up; the next
  // one got end of file.
  const auto begins = events_on(run.parent, pipe, EventKind::PipeRecvBegin);
  REQUIRE_FALSE(begins.empty());
  CHECK(begins[0].arg == 1);
  const auto failed = events_on(run.parent, pipe, EventKind::PipeRecvFailed);
  REQUIRE(failed.size() == 2);
  CHECK(failed[0].arg == static_cast<std::uint64_t>(weft::format::PipeFailure::Timeout));
  CHECK(failed[1].arg == static_cast<std::uint64_t>(weft::format::PipeFailure::EndOfFile));
  CHECK(events_on(run.parent, pipe, EventKind::PipeRecv).empty());
}

TEST_CASE("pipe: a 1 MiB message crosses whole", "[pipe][ipc]") {
  const Run run = run_ipc({"large", std::to_string(1 << 20)});
  CHECK(run.out == "ok 1048576\n");
  REQUIRE(run.children.size() == 1);
  check_paired(run.children[0], run.parent, "large", 1);
  check_paired(run.parent, run.children[0], "large", 1);
}

TEST_CASE("pipe: in one process, values and bytes, poll and timeout", "[pipe]") {
  auto [a, b] = weft::make_pipe();
  CHECK(a.id() == b.id());
  CHECK_FALSE(a.poll());
  b.send(41);
  b.send_bytes("hello");
  CHECK(a.poll(1s));
  CHECK(a.recv<int>() == 41);
  const auto bytes = a.recv_bytes();
  CHECK(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()) == "hello");
  CHECK_FALSE(a.recv_for<int>(10ms).has_value());
  a.send(2.5);  // duplex: the other way too
  CHECK(b.recv<double>() == 2.5);
  b.send_bytes("");
  CHECK(a.recv_bytes().empty());
  weft::pipe p;  // the same, as one object
  auto& [x, y] = p;
  y.send('c');
  CHECK(x.recv<char>() == 'c');
}

TEST_CASE("pipe: misuse is refused with a clear error", "[pipe]") {
  weft::pipe p(false, "refusals");
  CHECK_THROWS_AS(p.a.send(1), weft::pipe_error);          // the receiving end of a one-way pipe
  CHECK_THROWS_AS(p.b.recv<int>(), weft::pipe_error);      // the sending end
  p.b.send(std::int64_t{7});
  CHECK_THROWS_AS(p.a.recv<int>(), weft::pipe_error);      // 8 bytes where 4 were expected
  const std::vector<std::byte> huge(weft::pipe_end::kMaxMessage + 1);
  CHECK_THROWS_AS(p.b.send_bytes(huge), std::length_error);
  p.a.close();
  CHECK(p.a.closed());
  CHECK_THROWS_AS(p.a.recv<int>(), weft::pipe_error);      // closed here
  p.a.close();                                             // twice: nothing
  weft::pipe_end none;
  CHECK_THROWS_AS(none.send(1), weft::pipe_error);
}

TEST_CASE("pipe: a send to a closed peer is a broken pipe, a receive from one end of file", "[pipe]") {
  {
    auto [a, b] = weft::make_pipe();
    a.close();
    CHECK_THROWS_AS(b.send(1), weft::pipe_closed);  // EPIPE, not SIGPIPE
  }
  {
    auto [a, b] = weft::make_pipe(false);
    b.send(3);
    b.close();
    CHECK(a.recv<int>() == 3);  // what was sent before the close is still there
    CHECK(a.poll());            // end of file does not block
    CHECK_THROWS_AS(a.recv<int>(), weft::pipe_closed);
  }
}
