#include "own_thread.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "thread_signals.hpp"
#include "weft/detail/internal_scope.hpp"

namespace weft::detail {
namespace {

constexpr std::size_t kStackBytes = std::size_t{1} << 20;  // the writer encodes chunks on it; 1 MiB is ample

}  // namespace

void* OwnThread::run(void* self) {
  OwnThread& t = *static_cast<OwnThread*>(self);
  // Inside weft for its life: under weft record its locks and waits are
  // not the program's, also when it was started from a thread the preload
  // library ignores (the explorer's keeper starts the watchdog), whose
  // pthread_create does not mark the new thread itself.
  t_inside_weft = true;
  t.setup_();
  t.ready_.store(true, std::memory_order_release);
  t.ready_.notify_one();
  t.body_();
  return nullptr;
}

void OwnThread::start(std::function<void()> setup, std::function<void()> body) {
  setup_ = std::move(setup);
  body_ = std::move(body);
  ready_.store(false, std::memory_order_relaxed);
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  mapped_ = kStackBytes + page;
  stack_ = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack_ == MAP_FAILED) {
    stack_ = nullptr;
    throw std::system_error(errno, std::generic_category(), "weft: cannot map a stack for its own thread");
  }
  ::mprotect(stack_, page, PROT_NONE);  // a guard page: an overflow faults instead of writing below
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, static_cast<char*>(stack_) + page, kStackBytes);
  const sigset_t blocked = asynchronous_signals();
  pthread_attr_setsigmask_np(&attr, &blocked);
  const int err = pthread_create(&thread_, &attr, &OwnThread::run, this);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    ::munmap(stack_, mapped_);
    stack_ = nullptr;
    throw std::system_error(err, std::generic_category(), "weft: cannot start its own thread");
  }
  started_ = true;
  ready_.wait(false, std::memory_order_acquire);
}

void OwnThread::join() {
  if (!started_) return;
  pthread_join(thread_, nullptr);
  started_ = false;
  ::munmap(stack_, mapped_);
  stack_ = nullptr;
}

void OwnThread::detach() {
  if (!started_) return;
  pthread_detach(thread_);
  started_ = false;
}

}  // namespace weft::detail
