#include "weft/detail/fork_server.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace weft::detail::explore {
namespace {

// Reads `fd` a field (up to a NUL) at a time.
class Fields {
 public:
  explicit Fields(int fd) : fd_(fd) {}
  // The next field; false at the end of the input (or inside a field).
  bool next(std::string& f) {
    f.clear();
    for (;;) {
      if (at_ == end_ && !fill()) return false;
      const void* nul = std::memchr(buffer_ + at_, '\0', end_ - at_);
      const std::size_t stop = nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - buffer_) : end_;
      f.append(buffer_ + at_, stop - at_);
      at_ = nul ? stop + 1 : end_;
      if (nul) return true;
    }
  }

 private:
  bool fill() {
    for (;;) {
      const ssize_t n = ::read(fd_, buffer_, sizeof buffer_);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      at_ = 0;
      end_ = static_cast<std::size_t>(n);
      return true;
    }
  }

  int fd_;
  char buffer_[4096];
  std::size_t at_ = 0, end_ = 0;
};

[[noreturn]] void malformed(const std::string& what) {
  std::fprintf(stderr, "weft: fork server: %s\n", what.c_str());
  std::fflush(stderr);
  ::_exit(2);
}

struct Request {
  std::uint64_t seed = 0;
  std::vector<std::string> env;  // NAME=VALUE
};

// The next request; false when the requests have ended.
bool read_request(Fields& in, Request& r) {
  std::string f;
  if (!in.next(f)) return false;
  char* end = nullptr;
  errno = 0;
  r.seed = std::strtoull(f.c_str(), &end, 10);
  if (f.empty() || f.find_first_not_of("0123456789") != std::string::npos || errno != 0 || *end != '\0')
    malformed("the seed '" + f + "' is not a whole number below 2^64");
  r.env.clear();
  for (;;) {
    if (!in.next(f)) malformed("a request cut short");
    if (f.empty()) return true;
    if (f.find('=') == std::string::npos || f.front() == '=') malformed("'" + f + "' is not NAME=VALUE");
    r.env.push_back(f);
  }
}

void answer(int out, const std::string& line) {
  const std::string text = line + "\n";
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(out, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ::_exit(0);  // nobody asks any more
    done += static_cast<std::size_t>(n);
  }
}

// The threads of this process (1 if it cannot tell).
int thread_count() {
  DIR* d = ::opendir("/proc/self/task");
  if (d == nullptr) return 1;
  int n = 0;
  while (const dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n > 0 ? n : 1;
}

// Where the run is made: its variables set, its standard streams on
// /dev/null (explored runs' output is discarded).
void become_run(const Request& r) {
  for (const std::string& pair : r.env) {
    const std::size_t eq = pair.find('=');
    ::setenv(pair.substr(0, eq).c_str(), pair.substr(eq + 1).c_str(), 1);
  }
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    if (null > 2) ::close(null);
  }
}

}  // namespace

std::uint64_t serve_forked_runs(int in, int out) {
  Fields fields(in);
  Request r;
  if (thread_count() > 1) {
    // Not forked: this process makes the run. Its end (the socket closing
    // as it exits) tells the explorer; a program it execs must not hold
    // the socket open, nor may redirecting its standard streams close it.
    if (!read_request(fields, r)) ::_exit(0);
    for (const int fd : {in, out}) {
      if (fd > 2) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
      } else if (::fcntl(fd, F_DUPFD_CLOEXEC, 3) < 0) {  // kept open, above the standard streams, until exit
        malformed(std::string("cannot keep its socket: ") + std::strerror(errno));
      }
    }
    become_run(r);
    return r.seed;
  }
  while (read_request(fields, r)) {
    std::fflush(nullptr);  // nothing buffered is written twice
    const pid_t pid = ::fork();
    if (pid < 0) {
      answer(out, std::string("failed fork: ") + std::strerror(errno));
      continue;
    }
    if (pid == 0) {
      if (in > 2) ::close(in);
      if (out > 2 && out != in) ::close(out);
      become_run(r);
      return r.seed;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) {
        status = 0;
        break;
      }
    answer(out, WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                    : "exit " + std::to_string(WEXITSTATUS(status)));
  }
  ::_exit(0);
}

}  // namespace weft::detail::explore
