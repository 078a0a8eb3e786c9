#include "run_server.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace weft::cli {

RunServer::~RunServer() { stop(); }

void RunServer::start() {
  int pair[2];
  // Close-on-exec: another job's server must not hold this one's socket
  // open, or closing ours would never end it.
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    throw std::runtime_error(std::string("explore: socketpair failed: ") + std::strerror(errno));
  const int theirs = pair[1];
  const bool on_standard_streams = command_.on_standard_streams;
  pid_t pid = -1;
  try {
    pid = spawn_program(command_.path, command_.argv, command_.env, !on_standard_streams, [theirs, on_standard_streams] {
      if (on_standard_streams) {
        // Its standard input and output are the socket; its errors are ours.
        ::dup2(theirs, 0);
        ::dup2(theirs, 1);
        return;
      }
      // Descriptor 3, its number in the environment; the rest on /dev/null.
      if (theirs == 3)
        ::fcntl(3, F_SETFD, 0);  // already there: only kept across the exec
      else
        ::dup2(theirs, 3);
      ::setenv("WEFT_EXPLORE_SERVE_FD", "3", 1);
      const int null = ::open("/dev/null", O_RDONLY);
      if (null >= 0) {
        ::dup2(null, 0);
        ::close(null);
      }
    });
  } catch (...) {
    ::close(pair[0]);
    ::close(pair[1]);
    throw;
  }
  ::close(pair[1]);
  pid_ = pid;
  fd_ = pair[0];
}

void RunServer::stop() {
  if (pid_ < 0) return;
  ::close(fd_);  // the end of its input: it ends once its run has
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  fd_ = -1;
  in_run_ = false;
  answer_.clear();
}

bool RunServer::send_all(const std::string& bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    // MSG_NOSIGNAL: a server that ended is a failed send, not a SIGPIPE
    // that ends weft.
    const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void RunServer::start_run(std::uint64_t seed, const Environment& env) {
  std::string request = std::to_string(seed);
  request += '\0';
  for (const auto& [name, value] : env) {
    request += name + "=" + value;
    request += '\0';
  }
  request += '\0';
  // A server that ended between runs (killed, say) is started anew, once.
  for (int attempt = 0;; ++attempt) {
    if (pid_ < 0) start();
    if (send_all(request)) break;
    stop();
    if (attempt == 1)
      throw std::runtime_error("explore: the fork server (" + command_.path + ") ended before it could be asked for a run");
  }
  in_run_ = true;
  answer_.clear();
}

bool RunServer::finish_run() {
  char buffer[256];
  const ssize_t n = ::read(fd_, buffer, sizeof buffer);
  if (n < 0 && errno == EINTR) return false;
  if (n <= 0) {
    // The server ended in the middle of a run: the run is over (its trace
    // says how far it got), and the next run starts a new server.
    stop();
    return true;
  }
  answer_.append(buffer, static_cast<std::size_t>(n));
  if (answer_.find('\n') == std::string::npos) return false;
  answer_.clear();
  in_run_ = false;
  return true;
}

}  // namespace weft::cli
