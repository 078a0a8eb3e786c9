// weft::pipe, as Python's multiprocessing.Pipe: two connected ends, made
// before fork() so that a parent and its child (or two children) each keep
// one.
//
//   weft::pipe p;                        // duplex: both ends send and receive
//   auto& [a, b] = p;                    // or: auto [a, b] = weft::make_pipe();
//   weft::pipe one_way(false);           // as Pipe(duplex=False): a receives only, b sends only
//   b.send(42);  int v = a.recv<int>();  // trivially copyable values
//   b.send_bytes("hello");  std::vector<std::byte> m = a.recv_bytes();
//   std::optional<int> v = a.recv_for<int>(100ms);   // nullopt on timeout
//   a.poll(0ms);                         // is a message (or end of file) waiting?
//   a.close();
//
// Every message is framed [length][message id][bytes]; the id is unique in
// the run ((sender pid << 32) | a per-process counter), so the sender's
// pipe.send and the receiver's pipe.recv carry the same arg and pair up,
// across processes, into a happens-before edge. Sequence numbers come from a
// counter in shared memory (taken before the write for a send, after the
// read for a receive), so they are one order across the processes' traces.
// Partial reads and writes, EINTR and messages larger than the OS buffer
// are handled; a message over kMaxMessage is refused (std::length_error).
//
// End of file. A receive throws weft::pipe_closed (Python's EOFError) once
// the other end is closed in EVERY process that had it, recorded as
// pipe.recv.failed with arg PipeFailure::EndOfFile. Like Python, after a
// fork each process should close() the ends it does not use: a parent that
// keeps its copy of the child's end open never sees end of file. Sending to
// an end whose peer is closed everywhere throws weft::pipe_closed too
// (BrokenPipeError; never SIGPIPE). close() records pipe.close.
//
// An end is for one thread of one process at a time, as Python's Connection
// is: two processes writing to the same end at once may interleave their
// bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/site.hpp"

namespace weft {

class pipe_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// End of file on receive (EOFError), or a send to a peer gone (BrokenPipeError).
class pipe_closed : public pipe_error {
 public:
  using pipe_error::pipe_error;
};

namespace detail {
struct pipe_shared;  // the pipe's object and its shared sequence counter
}

class pipe_end {
 public:
  // Messages larger than this are refused: sending one throws
  // std::length_error, receiving a frame that claims one throws pipe_error.
  static constexpr std::size_t kMaxMessage = std::size_t{64} << 20;

  pipe_end() = default;  // no end: every operation throws pipe_error
  pipe_end(pipe_end&& other) noexcept;
  pipe_end& operator=(pipe_end&& other) noexcept;
  ~pipe_end();  // closes it (recorded) if still open

  void send_bytes(std::span<const std::byte> bytes, source_site site = source_site::current());
  void send_bytes(std::string_view text, source_site site = source_site::current()) {
    send_bytes(std::as_bytes(std::span(text.data(), text.size())), site);
  }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void send(const T& value, source_site site = source_site::current()) {
    send_bytes(std::as_bytes(std::span(&value, 1)), site);
  }

  std::vector<std::byte> recv_bytes(source_site site = source_site::current()) {
    return *receive(std::nullopt, site);
  }
  template <class Rep, class Period>
  std::optional<std::vector<std::byte>> recv_bytes_for(const std::chrono::duration<Rep, Period>& timeout,
                                                       source_site site = source_site::current()) {
    return receive(std::chrono::ceil<std::chrono::nanoseconds>(timeout), site);
  }
  // A message of exactly sizeof(T) bytes, else pipe_error.
  template <class T>
    requires(std::is_trivially_copyable_v<T> && std::is_default_constructible_v<T>)
  T recv(source_site site = source_site::current()) {
    return as<T>(recv_bytes(site));
  }
  template <class T, class Rep, class Period>
    requires(std::is_trivially_copyable_v<T> && std::is_default_constructible_v<T>)
  std::optional<T> recv_for(const std::chrono::duration<Rep, Period>& timeout,
                            source_site site = source_site::current()) {
    auto bytes = recv_bytes_for(timeout, site);
    if (!bytes) return std::nullopt;
    return as<T>(*bytes);
  }

  // Whether a receive would not block now (a message, or end of file, is
  // there), waiting at most `timeout` for it. Untraced, as Python's poll.
  template <class Rep = long, class Period = std::milli>
  bool poll(const std::chrono::duration<Rep, Period>& timeout = std::chrono::milliseconds{0}) const {
    return poll_for(std::chrono::ceil<std::chrono::nanoseconds>(timeout));
  }

  // Closes this process's copy of the end; recorded as pipe.close (arg the
  // PipeEnd it was). Closing a closed end does nothing.
  void close(source_site site = source_site::current());

  bool closed() const noexcept { return fd_ < 0; }
  bool can_send() const noexcept { return can_send_; }
  bool can_recv() const noexcept { return can_recv_; }
  int fd() const noexcept { return fd_; }
  std::uint32_t id() const noexcept;  // the pipe's weft object, shared by both ends

 private:
  friend std::pair<pipe_end, pipe_end> make_pipe(bool, std::string_view, source_site);
  pipe_end(int fd, bool can_send, bool can_recv, std::shared_ptr<detail::pipe_shared> shared);

  std::optional<std::vector<std::byte>> receive(std::optional<std::chrono::nanoseconds> timeout,
                                                const source_site& site);
  bool poll_for(std::chrono::nanoseconds timeout) const;
  template <class T>
  static T as(const std::vector<std::byte>& bytes) {
    if (bytes.size() != sizeof(T)) throw_size(bytes.size(), sizeof(T));
    T value;
    std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
  }
  [[noreturn]] static void throw_size(std::size_t got, std::size_t want);

  int fd_ = -1;
  bool can_send_ = false;
  bool can_recv_ = false;
  std::shared_ptr<detail::pipe_shared> shared_;
};

// Python's Pipe(duplex): (a, b). Duplex: both ends send and receive. One-way
// (duplex false): a receives only, b sends only, as Pipe(duplex=False)
// returns (receiving end, sending end).
std::pair<pipe_end, pipe_end> make_pipe(bool duplex = true, std::string_view name = {},
                                        source_site site = source_site::current());

// The two ends as one object: `weft::pipe p; auto& [a, b] = p;`.
class pipe {
 public:
  explicit pipe(bool duplex = true, std::string_view name = {}, source_site site = source_site::current())
      : pipe(make_pipe(duplex, name, site)) {}

  pipe_end a;  // receives (and, duplex, sends)
  pipe_end b;  // sends (and, duplex, receives)

 private:
  explicit pipe(std::pair<pipe_end, pipe_end>&& ends) : a(std::move(ends.first)), b(std::move(ends.second)) {}
};

}  // namespace weft
