// weft explore's side of its fork servers (the protocol and the other side
// are in weft/detail/fork_server.hpp): one server per job, asked for one
// run at a time. A run it forks starts in a fraction of the time a new
// process takes to load (explored runs are mostly start-up). A scenario's
// server is `weft-scenarios serve NAME`, talking on its standard input and
// output; an unmodified program's is the program itself, under weft
// record's preload library, on a descriptor WEFT_EXPLORE_SERVE_FD names.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "scenarios_program.hpp"

namespace weft::cli {

// How a server is started.
struct ServerCommand {
  std::string path;               // the program to run
  std::vector<std::string> argv;  // its arguments, argv[0] included
  Environment env;                // added to ours
  // The socket on its standard input and output (a scenario's server), or
  // on descriptor 3, named by WEFT_EXPLORE_SERVE_FD, with its standard
  // streams on /dev/null (a program's: what it prints is discarded).
  bool on_standard_streams = true;
};

class RunServer {
 public:
  explicit RunServer(ServerCommand command) : command_(std::move(command)) {}
  RunServer(const RunServer&) = delete;
  RunServer& operator=(const RunServer&) = delete;
  ~RunServer();  // ends the server (after its run, if one is going)

  // Asks for a run with `seed` and `env`, starting the server first if it
  // is not running (it ended, or never started). Throws std::runtime_error
  // if it cannot be started.
  void start_run(std::uint64_t seed, const Environment& env);
  bool running() const { return in_run_; }
  // Readable when the run has ended (or the server has).
  int fd() const { return fd_; }
  // After fd() became readable: true when the run has ended (its answer
  // line read whole: how it ended is not needed, the trace says what it
  // did), false while the answer is still incomplete. A server that ended
  // instead is stopped, and the run is over.
  bool finish_run();

 private:
  void start();
  void stop();
  bool send_all(const std::string& bytes);  // false: the server has ended

  ServerCommand command_;
  pid_t pid_ = -1;
  int fd_ = -1;  // our end of the socket pair: requests out, answers in
  bool in_run_ = false;
  std::string answer_;  // what has come of the current answer line
};

}  // namespace weft::cli
