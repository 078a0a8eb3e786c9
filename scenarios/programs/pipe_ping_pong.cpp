// Two processes pass a counter back and forth through a duplex pipe: the
// parent sends 0, the child answers 1, the parent 2, ... up to 20.
#include <cstdio>
#include <string>

#include <weft/pipe.hpp>
#include <weft/process.hpp>
#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

constexpr int kLast = 20;

// One turn: receive the counter, mark it, send it on plus one. False once
// the game is over for this side: it received the last value, or sent it.
bool turn(weft::pipe_end& end, const char* who) {
  const int n = end.recv<int>();
  weft::mark(std::string(who) + ":" + std::to_string(n));
  if (n >= kLast) return false;
  end.send(n + 1);
  return n + 1 < kLast;
}

int run(const weft::scenarios::options&) {
  weft::pipe channel(true, "channel");
  // Named references, not a structured binding: clang 14 cannot capture one in a lambda.
  weft::pipe_end& parent_end = channel.a;
  weft::pipe_end& child_end = channel.b;
  weft::process child(
      [&] {
        parent_end.close();  // each process keeps its own end only
        while (turn(child_end, "pong")) {
        }
      },
      "ponger");
  child.start();
  child_end.close();
  parent_end.send(0);
  while (turn(parent_end, "ping")) {
  }
  child.join();
  std::printf("the counter went back and forth up to %d\n", kLast);
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "pipe-ping-pong",
    .summary = "two processes pass a counter back and forth through a duplex pipe, up to 20",
    .teaches = "A pipe carries messages between processes that share no memory; recv() blocks until the other side "
               "sends. Passing one counter back and forth makes the two processes take turns exactly: each "
               "message's send happens before its receive, and the arrows between the two processes' lanes show "
               "the turns.",
    .lesson = "The multiprocessing.Pipe lesson: `parent_conn, child_conn = Pipe()`; the child receives a number, "
              "adds one and sends it back, and so does the parent, until 20. The port uses a duplex weft::pipe; "
              "each side closes the end it does not use and marks the values it receives.",
    .marks = "pong:0 ping:1 pong:2 ping:3 pong:4 ping:5 pong:6 ping:7 pong:8 ping:9 pong:10 ping:11 pong:12 ping:13 "
             "pong:14 ping:15 pong:16 ping:17 pong:18 ping:19 pong:20 ",
    .shows = {"pipe.send", "pipe.recv", "process.spawn"},
    .run = run,
}};

}  // namespace
