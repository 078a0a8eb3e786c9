#include "serve.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "runner.hpp"

namespace weft::scenarios {
namespace {

// Reads the server's standard input a field (up to a NUL) at a time.
class Requests {
 public:
  // The next field; nullopt at the end of the input (or a field it cut).
  std::optional<std::string> field() {
    std::string f;
    for (;;) {
      if (at_ == end_ && !fill()) return std::nullopt;
      const void* nul = std::memchr(buffer_ + at_, '\0', end_ - at_);
      const std::size_t stop = nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - buffer_) : end_;
      f.append(buffer_ + at_, stop - at_);
      at_ = nul ? stop + 1 : end_;
      if (nul) return f;
    }
  }

 private:
  bool fill() {
    for (;;) {
      const ssize_t n = ::read(0, buffer_, sizeof buffer_);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      at_ = 0;
      end_ = static_cast<std::size_t>(n);
      return true;
    }
  }

  char buffer_[4096];
  std::size_t at_ = 0, end_ = 0;
};

void answer(const std::string& line) {
  const std::string text = line + "\n";
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(1, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) std::exit(0);  // nobody listens any more
    done += static_cast<std::size_t>(n);
  }
}

// In the child: the run, as `weft-scenarios run NAME --seed SEED` would
// make it, and its end, as that program's would be (atexit handlers, so
// that weft's runtime finishes the trace).
[[noreturn]] void run_child(const scenario& s, const std::string& seed, const std::vector<std::string>& env) {
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    if (null > 2) ::close(null);
  }
  for (const std::string& pair : env) {
    const std::size_t eq = pair.find('=');
    ::setenv(pair.substr(0, eq).c_str(), pair.substr(eq + 1).c_str(), 1);
  }
  run_flags flags;
  flags.seed = seed;
  run_settings settings;
  try {
    settings = settings_from(flags);
  } catch (const std::exception&) {  // a seed past 2^64
    ::_exit(2);
  }
  std::exit(run_scenario(s, settings));
}

}  // namespace

int serve(const scenario& s) {
  Requests in;
  for (;;) {
    const std::optional<std::string> seed = in.field();
    if (!seed) return 0;  // the end of the input: no more runs
    std::vector<std::string> env;
    for (;;) {
      std::optional<std::string> f = in.field();
      if (!f) {
        std::fprintf(stderr, "weft-scenarios serve: a request cut short\n");
        return 2;
      }
      if (f->empty()) break;
      if (f->find('=') == std::string::npos || f->front() == '=') {
        std::fprintf(stderr, "weft-scenarios serve: '%s' is not NAME=VALUE\n", f->c_str());
        return 2;
      }
      env.push_back(std::move(*f));
    }
    if (seed->empty() || seed->find_first_not_of("0123456789") != std::string::npos) {
      std::fprintf(stderr, "weft-scenarios serve: the seed '%s' is not a whole number\n", seed->c_str());
      return 2;
    }
    std::fflush(nullptr);  // nothing buffered is written twice
    const pid_t pid = ::fork();
    if (pid < 0) {
      answer(std::string("failed fork: ") + std::strerror(errno));
      continue;
    }
    if (pid == 0) run_child(s, *seed, env);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) {
        status = 0;
        break;
      }
    answer(WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                               : "exit " + std::to_string(WEXITSTATUS(status)));
  }
}

}  // namespace weft::scenarios
