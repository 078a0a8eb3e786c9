// weft::pipe (pipe.hpp): both kinds of pipe are a connected AF_UNIX stream
// socketpair (a one-way pipe has each end shut down in the direction it does
// not use), so that a send to a vanished peer is EPIPE (MSG_NOSIGNAL), never
// a SIGPIPE that kills the sender.
#include "weft/pipe.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <new>
#include <string>
#include <system_error>

#include "weft/detail/blocking.hpp"
#include "weft/detail/registry.hpp"
#include "weft/detail/sync_point.hpp"
#include "weft/format/meaning.hpp"
#include "weft/process_sync.hpp"

namespace weft {
namespace detail {

// What both ends of a pipe have in common in one process: its weft object
// and the sequence counter in shared memory, seen by every process.
struct pipe_shared {
  pipe_shared(bool duplex, std::string_view name, const source_site& site)
      : region(sizeof(std::atomic<std::uint64_t>)),
        seq(new (region.data()) std::atomic<std::uint64_t>(0)),
        id(register_shared_object(format::ObjectKind::Pipe, name, site, duplex ? 1 : 0, kNewSharedKey)) {}
  ~pipe_shared() { unregister_object(id, false, {}); }
  pipe_shared(const pipe_shared&) = delete;
  pipe_shared& operator=(const pipe_shared&) = delete;

  shared_region region;
  std::atomic<std::uint64_t>* seq;  // lock-free: a plain fetch_add is process-shared
  const std::uint32_t id;
};

}  // namespace detail

namespace {

using format::EventKind;

// The frame before every message's bytes.
struct frame_header {
  std::uint64_t length;
  std::uint64_t message;
};

// Unique in the run: no two live processes share a pid, and the counter
// is this process's (a forked child's copy goes on from the parent's value,
// under its own pid).
std::uint64_t next_message_id() {
  static std::atomic<std::uint32_t> counter{0};
  return static_cast<std::uint64_t>(static_cast<std::uint32_t>(::getpid())) << 32 |
         counter.fetch_add(1, std::memory_order_relaxed);
}

std::system_error os_error(const char* what) { return std::system_error(errno, std::generic_category(), what); }

void write_all(int fd, const void* data, std::size_t n) {
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE || errno == ECONNRESET)
        throw pipe_closed("weft::pipe_end::send: the other end is closed in every process (broken pipe)");
      throw os_error("weft::pipe_end::send");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

// Reads n bytes; returns how many it got before end of file (n if all).
std::size_t read_all(int fd, void* data, std::size_t n) {
  auto* p = static_cast<char*>(data);
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd, p + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == ECONNRESET) return got;  // the peer went away: end of file
      throw os_error("weft::pipe_end::recv");
    }
    if (r == 0) return got;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

std::uint64_t as_arg(format::PipeFailure f) { return static_cast<std::uint64_t>(f); }

}  // namespace

std::pair<pipe_end, pipe_end> make_pipe(bool duplex, std::string_view name, source_site site) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) throw os_error("weft::pipe: socketpair");
  if (!duplex) {
    ::shutdown(fds[0], SHUT_WR);
    ::shutdown(fds[1], SHUT_RD);
  }
  std::shared_ptr<detail::pipe_shared> shared;
  try {
    shared = std::make_shared<detail::pipe_shared>(duplex, name, site);
  } catch (...) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw;
  }
  return {pipe_end(fds[0], duplex, true, shared), pipe_end(fds[1], true, duplex, shared)};
}

pipe_end::pipe_end(int fd, bool can_send, bool can_recv, std::shared_ptr<detail::pipe_shared> shared)
    : fd_(fd), can_send_(can_send), can_recv_(can_recv), shared_(std::move(shared)) {}

pipe_end::pipe_end(pipe_end&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      can_send_(other.can_send_),
      can_recv_(other.can_recv_),
      shared_(std::move(other.shared_)) {}

pipe_end& pipe_end::operator=(pipe_end&& other) noexcept {
  if (this != &other) {
    close(source_site{});
    fd_ = std::exchange(other.fd_, -1);
    can_send_ = other.can_send_;
    can_recv_ = other.can_recv_;
    shared_ = std::move(other.shared_);
  }
  return *this;
}

pipe_end::~pipe_end() { close(source_site{}); }

std::uint32_t pipe_end::id() const noexcept { return shared_ ? shared_->id : 0; }

void pipe_end::close(source_site site) {
  if (fd_ < 0) return;
  ::close(std::exchange(fd_, -1));
  const auto which = can_send_ && can_recv_ ? format::PipeEnd::Both
                     : can_recv_            ? format::PipeEnd::Read
                                            : format::PipeEnd::Write;
  detail::sync_point(EventKind::PipeClose, shared_->id, format::kNoSeq, static_cast<std::uint64_t>(which), site);
}

void pipe_end::send_bytes(std::span<const std::byte> bytes, source_site site) {
  if (!shared_) throw pipe_error("weft::pipe_end::send: not a pipe end");
  if (fd_ < 0) throw pipe_error("weft::pipe_end::send: this end is closed");
  if (!can_send_) throw pipe_error("weft::pipe_end::send: this end of a one-way pipe only receives");
  if (bytes.size() > kMaxMessage)
    throw std::length_error("weft::pipe_end::send: a message of " + std::to_string(bytes.size()) +
                            " bytes is over the limit of " + std::to_string(kMaxMessage));
  const frame_header h{bytes.size(), next_message_id()};
  // Numbered before the write: its receive, numbered after the read, comes later.
  detail::sync_point(EventKind::PipeSend, shared_->id, shared_->seq->fetch_add(1), h.message, site);
  write_all(fd_, &h, sizeof h);
  write_all(fd_, bytes.data(), bytes.size());
}

bool pipe_end::poll_for(std::chrono::nanoseconds timeout) const {
  if (fd_ < 0) return false;
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::max(std::chrono::nanoseconds{0}, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                                 until - std::chrono::steady_clock::now()));
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
    pollfd p{fd_, POLLIN, 0};
    const int rc = ::ppoll(&p, 1, &ts, nullptr);
    if (rc < 0) {
      if (errno == EINTR) continue;
      throw os_error("weft::pipe_end::poll");
    }
    return rc > 0;  // readable, or hung up / in error: a receive would not block
  }
}

std::optional<std::vector<std::byte>> pipe_end::receive(std::optional<std::chrono::nanoseconds> timeout,
                                                        const source_site& site) {
  if (!shared_) throw pipe_error("weft::pipe_end::recv: not a pipe end");
  const std::uint32_t id = shared_->id;
  if (fd_ < 0) {
    detail::sync_point(EventKind::PipeRecvFailed, id, format::kNoSeq, as_arg(format::PipeFailure::Closed), site);
    throw pipe_error("weft::pipe_end::recv: this end is closed");
  }
  if (!can_recv_) throw pipe_error("weft::pipe_end::recv: this end of a one-way pipe only sends");

  if (!poll_for(std::chrono::nanoseconds{0})) {
    detail::sync_point(EventKind::PipeRecvBegin, id, format::kNoSeq, timeout ? 1 : 0, site);
    detail::blocked_scope blocked(EventKind::PipeRecvBegin, id, timeout.has_value(), nullptr, /*external=*/true);
    // Without a timeout, wait in slices: poll_for takes a finite one.
    const bool ready = timeout ? poll_for(*timeout) : [&] {
      while (!poll_for(std::chrono::hours{1})) {
      }
      return true;
    }();
    if (!ready) {
      detail::sync_point(EventKind::PipeRecvFailed, id, format::kNoSeq, as_arg(format::PipeFailure::Timeout), site);
      return std::nullopt;
    }
  }

  const auto end_of_file = [&](const char* what) -> pipe_closed {
    detail::sync_point(EventKind::PipeRecvFailed, id, format::kNoSeq, as_arg(format::PipeFailure::EndOfFile), site);
    return pipe_closed(what);
  };
  frame_header h{};
  const std::size_t got = read_all(fd_, &h, sizeof h);
  if (got == 0) throw end_of_file("weft::pipe_end::recv: end of file (the other end is closed in every process)");
  if (got < sizeof h) throw end_of_file("weft::pipe_end::recv: end of file inside a message's frame");
  if (h.length > kMaxMessage)
    throw pipe_error("weft::pipe_end::recv: a frame claims " + std::to_string(h.length) +
                     " bytes, over the limit: the pipe is corrupt (two writers on one end?)");
  std::vector<std::byte> bytes(static_cast<std::size_t>(h.length));
  if (read_all(fd_, bytes.data(), bytes.size()) < bytes.size())
    throw end_of_file("weft::pipe_end::recv: end of file inside a message (its sender died?)");
  detail::sync_point(EventKind::PipeRecv, id, shared_->seq->fetch_add(1), h.message, site);
  return bytes;
}

void pipe_end::throw_size(std::size_t got, std::size_t want) {
  throw pipe_error("weft::pipe_end::recv: a message of " + std::to_string(got) + " bytes where " +
                   std::to_string(want) + " were expected");
}

}  // namespace weft
