#include "spawner.hpp"

#include <fcntl.h>
#include <malloc.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace weft::compare {

namespace {

// The request and the result cross a socket as length-prefixed fields.
class wire {
 public:
  explicit wire(int fd) : fd_(fd) {}

  bool put(std::int64_t v) { return send_all(&v, sizeof v); }
  bool put(const std::string& s) { return put(static_cast<std::int64_t>(s.size())) && send_all(s.data(), s.size()); }
  bool get(std::int64_t& v) { return recv_all(&v, sizeof v); }
  bool get(std::string& s) {
    std::int64_t n = 0;
    if (!get(n) || n < 0 || n > (std::int64_t(1) << 30)) return false;
    s.resize(static_cast<std::size_t>(n));
    return recv_all(s.data(), s.size());
  }
  bool get(int& v) {
    std::int64_t x = 0;
    if (!get(x)) return false;
    v = static_cast<int>(x);
    return true;
  }

 private:
  bool send_all(const void* data, std::size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
      const ssize_t k = ::send(fd_, p, n, MSG_NOSIGNAL);  // a dead peer is an error, not SIGPIPE
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) return false;
      p += k;
      n -= static_cast<std::size_t>(k);
    }
    return true;
  }
  bool recv_all(void* data, std::size_t n) {
    char* p = static_cast<char*>(data);
    while (n > 0) {
      const ssize_t k = ::read(fd_, p, n);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) return false;
      p += k;
      n -= static_cast<std::size_t>(k);
    }
    return true;
  }
  int fd_;
};

// The helper's peak back down to its current size, so what it held for the
// previous child (output buffers) does not count for the next one. Linux 4.0
// and later; without it the helper's peak is still small.
void reset_peak_rss() {
  malloc_trim(0);
  const int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  [[maybe_unused]] const ssize_t ignored = ::write(fd, "5", 1);
  ::close(fd);
}

// Output past this is read and dropped: the runner needs a line of figures
// or the first line of an error, and what is kept counts in the helper's
// peak memory, which the next child inherits (see spawner.hpp).
constexpr std::int64_t kKeepBytes = 64 << 10;

// The options cross the socket field by field; on_ready (and so ready_text)
// cannot cross at all.
bool send_options(wire& w, const subprocess::options& o) {
  bool sent = w.put(static_cast<std::int64_t>(o.env.size()));
  for (const auto& [name, value] : o.env) sent = sent && w.put(name) && w.put(value);
  sent = sent && w.put(static_cast<std::int64_t>(o.unset_env.size()));
  for (const std::string& name : o.unset_env) sent = sent && w.put(name);
  return sent && w.put(o.cwd) && w.put(static_cast<std::int64_t>(o.timeout.count())) &&
         w.put(static_cast<std::int64_t>(std::min<std::size_t>(o.keep_bytes, kKeepBytes)));
}

bool get_options(wire& w, subprocess::options& o) {
  std::int64_t n = 0, timeout = 0, keep = 0;
  if (!w.get(n)) return false;
  for (std::int64_t i = 0; i < n; ++i) {
    std::string name, value;
    if (!w.get(name) || !w.get(value)) return false;
    o.env[name] = value;
  }
  if (!w.get(n)) return false;
  o.unset_env.resize(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
  for (std::string& name : o.unset_env)
    if (!w.get(name)) return false;
  if (!w.get(o.cwd) || !w.get(timeout) || !w.get(keep)) return false;
  o.timeout = std::chrono::milliseconds(timeout);
  o.keep_bytes = static_cast<std::size_t>(keep);
  return true;
}

[[noreturn]] void serve(int fd) {
  wire w(fd);
  for (;;) {
    std::int64_t argc = 0;
    if (!w.get(argc)) _exit(0);  // the runner is done
    std::vector<std::string> argv(static_cast<std::size_t>(argc));
    for (std::string& a : argv)
      if (!w.get(a)) _exit(1);
    subprocess::options options;
    if (!get_options(w, options)) _exit(1);

    reset_peak_rss();
    const subprocess::result r = subprocess::run(argv, options);
    const bool sent = w.put(r.spawn_error) && w.put(r.exit_code) && w.put(r.signal) && w.put(r.timed_out ? 1 : 0) &&
                      w.put(r.out) && w.put(r.err) && w.put(static_cast<std::int64_t>(r.wall.count())) &&
                      w.put(static_cast<std::int64_t>(r.max_rss_kb));
    if (!sent) _exit(1);
  }
}

}  // namespace

spawner::spawner() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid_ == 0) {
    ::close(fds[0]);
    serve(fds[1]);
  }
  ::close(fds[1]);
  fd_ = fds[0];
}

spawner::~spawner() {
  ::close(fd_);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

subprocess::result spawner::run(const std::vector<std::string>& argv, const subprocess::options& options) {
  subprocess::result r;
  if (options.on_ready) {
    r.spawn_error = "an on_ready callback cannot run in the helper process";
    return r;
  }
  wire w(fd_);
  bool sent = w.put(static_cast<std::int64_t>(argv.size()));
  for (const std::string& a : argv) sent = sent && w.put(a);
  sent = sent && send_options(w, options);

  std::int64_t timed_out = 0, wall = 0, rss = 0;
  if (!sent || !w.get(r.spawn_error) || !w.get(r.exit_code) || !w.get(r.signal) || !w.get(timed_out) ||
      !w.get(r.out) || !w.get(r.err) || !w.get(wall) || !w.get(rss)) {
    subprocess::result gone;
    gone.spawn_error = "the helper process that runs the children is gone";
    return gone;
  }
  r.timed_out = timed_out != 0;
  r.wall = std::chrono::nanoseconds(wall);
  r.max_rss_kb = static_cast<long>(rss);
  return r;
}

}  // namespace weft::compare
