// weft::process_pool: worker processes that run functions, modelled on
// Python's multiprocessing.Pool (apply_async / map), traced like
// weft::thread_pool.
//
//   int square(int x) { return x * x; }
//   weft::process_pool pool(4, "pool");          // forks pool-worker-0 .. -3
//   auto f = pool.submit(square, 7);             // a weft::process_future<int>
//   f.get();                                     // 49
//   pool.map(square, std::vector{1, 2, 3});      // {1, 4, 9}, in order
//   pool.submit(+[](int a, int b) { return a + b; }, 1, 2);  // `+`: a captureless lambda as a function
//
// What crosses to a worker is {the function's address, an invoker, the
// task's key, the arguments' bytes}: a worker is a fork of this process,
// so the function lives at the same address there. Hence the rules,
// checked at compile time: the function is a plain function (pointer), its
// parameters and result are trivially copyable and together fit in
// kPayloadBytes. Pointers among the arguments point into the parent's
// memory as it was when the pool was made (a copy), not at live data.
// An exception in a task comes back through get() as std::runtime_error
// carrying its message (cut to fit a message).
//
// Workers are daemon processes named "<pool>-worker-<i>" (Python's pool
// workers are daemonic): shutdown(wait=true) and the destructor let them
// finish every task submitted and join them; a pool never shut down is
// terminated with the program at exit (weft::process's at-exit rule). A
// worker that dies mid-task (killed) leaves its task's future pending until
// shutdown(true), which then fails it ("worker ended before the task").
//
// Events, as weft::thread_pool's: the pool object (ObjectKind::ThreadPool,
// a run-wide key) gets pool.submit (arg: the task's object) and
// pool.shutdown.begin/end from the parent; each task is a Future object
// with a run-wide key, registered by the parent at submit and again by the
// worker that runs it (so readers merge the two records), with task.start
// and task.end (arg TaskOutcome) from the worker and future.wait.begin/end
// from whoever waits in the parent. Its order, in fixed places since each
// happens once and in this order: task.start 0, task.end 1, then the
// parent's waits that see it done 2, 3, ... (a timed-out wait has none).
// So submit -> start (the pool's Start release for the task) and end ->
// the wait that returns its result are the edges, as in a thread pool.
#pragma once

#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft/detail/deadline.hpp"
#include "weft/detail/internal_sync.hpp"
#include "weft/process.hpp"
#include "weft/site.hpp"

namespace weft {

namespace detail {

// The bytes a task carries either way (the function's address and its
// arguments to the worker, its result or error message back).
inline constexpr std::size_t kPoolPayloadBytes = 448;

// Runs a task in the worker: reads the function and its arguments from
// `in`, writes the result to `out`; returns the result's size.
using pool_invoker = std::size_t (*)(const unsigned char* in, unsigned char* out);

template <class T>
T unpack_one(const unsigned char*& p) {
  std::array<unsigned char, sizeof(T)> bytes;
  std::memcpy(bytes.data(), p, sizeof(T));
  p += sizeof(T);
  return std::bit_cast<T>(bytes);
}

template <class R, class... P>
std::size_t pool_invoke(const unsigned char* in, unsigned char* out) {
  using fn_t = R (*)(P...);
  const fn_t fn = unpack_one<fn_t>(in);
  // Braced: the arguments are unpacked in order.
  const std::tuple<std::decay_t<P>...> args{unpack_one<std::decay_t<P>>(in)...};
  if constexpr (std::is_void_v<R>) {
    std::apply(fn, args);
    (void)out;
    return 0;
  } else {
    const R result = std::apply(fn, args);
    std::memcpy(out, &result, sizeof(R));
    return sizeof(R);
  }
}

// A task as the parent sees it: settled by the pool's result reader.
struct pool_task_state {
  internal_mutex m;
  internal_condition cv;
  std::uint32_t id = 0;                   // the task's Future object
  bool done = false;                      // guarded by m
  bool failed = false;                    // guarded by m
  std::string error;                      // guarded by m
  std::array<unsigned char, kPoolPayloadBytes> result{};  // guarded by m
  std::uint64_t wait_seq = 2;             // guarded by m; see process_pool.hpp
  ~pool_task_state();

  // True once done; records future.wait.begin/end.
  bool wait(const deadline& until, const source_site& site);
  bool is_done();
};

}  // namespace detail

template <class R>
class process_future {
 public:
  process_future() = default;

  // Waits; the task's result, or std::runtime_error with its exception's
  // message (or why it never ran).
  R get(source_site site = source_site::current()) {
    state().wait(std::nullopt, site);
    std::lock_guard<detail::internal_mutex> lock(state_->m);
    if (state_->failed) throw std::runtime_error(state_->error);
    if constexpr (!std::is_void_v<R>) {
      std::array<unsigned char, sizeof(R)> bytes;
      std::memcpy(bytes.data(), state_->result.data(), sizeof(R));
      return std::bit_cast<R>(bytes);
    }
  }
  void wait(source_site site = source_site::current()) { state().wait(std::nullopt, site); }
  template <class Rep, class Period>
  bool wait_for(const std::chrono::duration<Rep, Period>& timeout, source_site site = source_site::current()) {
    return state().wait(detail::deadline_after(timeout), site);
  }
  bool done() const { return state().is_done(); }
  bool valid() const noexcept { return state_ != nullptr; }
  std::uint32_t id() const { return state().id; }

 private:
  friend class process_pool;
  explicit process_future(std::shared_ptr<detail::pool_task_state> s) : state_(std::move(s)) {}
  detail::pool_task_state& state() const {
    if (!state_) throw std::logic_error("weft::process_future: no state (default-constructed)");
    return *state_;
  }
  std::shared_ptr<detail::pool_task_state> state_;
};

class process_pool {
 public:
  static constexpr std::size_t kPayloadBytes = detail::kPoolPayloadBytes;

  // Forks `workers` processes (std::invalid_argument if 0).
  explicit process_pool(std::size_t workers, std::string_view name = {}, source_site site = source_site::current());
  ~process_pool();  // shutdown(true)
  process_pool(const process_pool&) = delete;
  process_pool& operator=(const process_pool&) = delete;

  // fn(args...) in a worker. std::runtime_error after shutdown(). Up to
  // four arguments: the call site is a defaulted parameter after them,
  // which a parameter pack cannot be followed by (so one overload each).
  template <class R>
  process_future<R> submit(R (*fn)(), source_site site = source_site::current()) {
    return submit_with(site, fn);
  }
  template <class R, class P1>
  process_future<R> submit(R (*fn)(P1), std::type_identity_t<P1> a1, source_site site = source_site::current()) {
    return submit_with<R, P1>(site, fn, a1);
  }
  template <class R, class P1, class P2>
  process_future<R> submit(R (*fn)(P1, P2), std::type_identity_t<P1> a1, std::type_identity_t<P2> a2,
                           source_site site = source_site::current()) {
    return submit_with<R, P1, P2>(site, fn, a1, a2);
  }
  template <class R, class P1, class P2, class P3>
  process_future<R> submit(R (*fn)(P1, P2, P3), std::type_identity_t<P1> a1, std::type_identity_t<P2> a2,
                           std::type_identity_t<P3> a3, source_site site = source_site::current()) {
    return submit_with<R, P1, P2, P3>(site, fn, a1, a2, a3);
  }
  template <class R, class P1, class P2, class P3, class P4>
  process_future<R> submit(R (*fn)(P1, P2, P3, P4), std::type_identity_t<P1> a1, std::type_identity_t<P2> a2,
                           std::type_identity_t<P3> a3, std::type_identity_t<P4> a4,
                           source_site site = source_site::current()) {
    return submit_with<R, P1, P2, P3, P4>(site, fn, a1, a2, a3, a4);
  }

  // fn over every input, in the workers; the results in the inputs' order.
  // The first task that threw rethrows (std::runtime_error) when reached.
  template <class F, class Range>
  auto map(F fn, const Range& inputs, source_site site = source_site::current()) {
    auto* f = +fn;  // a function, or a captureless lambda made one
    using R = decltype(f(*std::begin(inputs)));
    std::vector<process_future<R>> futures;
    for (const auto& in : inputs) futures.push_back(submit(f, in, site));
    std::vector<R> results;
    results.reserve(futures.size());
    for (auto& fu : futures) results.push_back(fu.get(site));
    return results;
  }

  // Stops taking tasks; the workers finish those submitted, then end.
  // wait=true: joins them (every task is then done or failed).
  void shutdown(bool wait = true, source_site site = source_site::current());

  std::size_t workers() const noexcept { return workers_.size(); }
  std::uint32_t id() const noexcept { return id_; }

 private:
  template <class R, class... P>
  process_future<R> submit_with(const source_site& site, R (*fn)(P...), std::type_identity_t<P>... args) {
    static_assert((std::is_trivially_copyable_v<std::decay_t<P>> && ...),
                  "weft::process_pool: arguments must be trivially copyable (they are sent as bytes)");
    static_assert(std::is_void_v<R> || std::is_trivially_copyable_v<R>,
                  "weft::process_pool: the result must be trivially copyable (it is sent back as bytes)");
    static_assert(sizeof(fn) + (sizeof(std::decay_t<P>) + ... + 0) <= kPayloadBytes,
                  "weft::process_pool: the arguments do not fit in a task message");
    if constexpr (!std::is_void_v<R>)
      static_assert(sizeof(R) <= kPayloadBytes, "weft::process_pool: the result does not fit in a message");
    std::array<unsigned char, kPayloadBytes> payload{};
    std::size_t at = 0;
    const auto pack = [&](const auto& v) {
      std::memcpy(payload.data() + at, &v, sizeof v);
      at += sizeof v;
    };
    pack(fn);
    (pack(static_cast<const std::decay_t<P>&>(args)), ...);
    return process_future<R>(send(&detail::pool_invoke<R, P...>, payload, site));
  }

  std::shared_ptr<detail::pool_task_state> send(detail::pool_invoker invoke,
                                                const std::array<unsigned char, kPayloadBytes>& payload,
                                                const source_site& site);
  void read_results();
  void fail_pending(const std::string& why);

  std::string name_;
  std::uint32_t id_ = 0;
  int task_read_ = -1, task_write_ = -1;      // parent -> workers
  int result_read_ = -1, result_write_ = -1;  // workers -> parent
  std::vector<process> workers_;
  std::thread reader_;                        // settles futures from results
  detail::internal_mutex m_;
  std::vector<std::pair<std::uint64_t, std::shared_ptr<detail::pool_task_state>>> pending_;  // guarded by m_
  std::uint64_t tasks_ = 0;                   // guarded by m_
  std::uint64_t seq_ = 0;                     // the pool object's order; guarded by m_
  bool shut_down_ = false;                    // guarded by m_
  bool joined_ = false;                       // guarded by m_
};

}  // namespace weft
