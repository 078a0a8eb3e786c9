// The parent waits to receive from its child, which waits to receive from
// the parent: nobody sends, and both wait forever.
#include <cstdio>

#include <weft/pipe.hpp>
#include <weft/process.hpp>
#include <weft/weft.hpp>

#include "catalog.hpp"

namespace {

int run(const weft::scenarios::options&) {
  weft::pipe channel(true, "channel");
  // Named references, not a structured binding: clang 14 cannot capture one in a lambda.
  weft::pipe_end& parent_end = channel.a;
  weft::pipe_end& child_end = channel.b;
  weft::process child(
      [&] {
        parent_end.close();
        const int request = child_end.recv<int>();  // waits for the parent's request...
        child_end.send(request + 1);
      },
      "answerer");
  child.start();
  child_end.close();
  const int answer = parent_end.recv<int>();  // ...while the parent waits for an answer first
  std::printf("answer: %d\n", answer);
  child.join();
  return 0;
}

const weft::scenarios::registrar registered{{
    .name = "pipe-reader-hang",
    .summary = "the parent waits to receive from its child, which waits to receive from the parent: nobody sends",
    .teaches = "recv() on a pipe blocks until the other end sends, and here the other end is waiting too: a hang "
               "across two processes, which neither process could see on its own. weft's watchdog watches the "
               "whole run, sees both processes blocked on the pipe, stops them with their traces complete, and "
               "weft check reports the hang with both waiters.",
    .lesson = "The multiprocessing.Pipe pitfall: both ends call recv() first, and the program hangs silently. The "
              "port's child and parent each call recv() on their end of one duplex weft::pipe.",
    .always = {{weft::scenarios::finding::hang, "channel"}},
    .shows = {"pipe.recv.begin", "process.spawn"},
    .hangs = true,
    .run = run,
}};

}  // namespace
