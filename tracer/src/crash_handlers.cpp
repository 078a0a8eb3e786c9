#include "crash_handlers.hpp"

#include <cxxabi.h>
#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <typeinfo>

#include "runtime.hpp"
#include "thread_binding.hpp"
#include "weft/detail/event_buffer.hpp"
#include "weft/format/schema.hpp"

namespace weft::detail {
namespace {

constexpr int kFatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
// Installed only where the program left the default action (terminate): a
// program that handles these itself decides what they mean.
constexpr int kTerminating[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT};
constexpr int kMaxSignal = 65;

struct sigaction g_previous[kMaxSignal];
std::terminate_handler g_previous_terminate = nullptr;

void on_signal(int sig, siginfo_t* info, void* context) {
  const int saved_errno = errno;
  t_in_signal_handler = true;
  if (Runtime* rt = Runtime::peek()) {
    // Record it on this thread if it already has a buffer (attaching a new
    // thread allocates, which a signal handler must not do).
    if (t_buffer != nullptr)
      emit(static_cast<std::uint8_t>(format::EventKind::ProcessSignal), 0, ~std::uint64_t{0},
           static_cast<std::uint64_t>(sig), source_site{});
    rt->finish_in_crash(format::EndReason::Signal, static_cast<std::uint64_t>(sig));
  }
  // Hand over to whoever was there before: their handler, or the default
  // action, re-raised so the process dies of this signal as it would have.
  const struct sigaction& prev = g_previous[sig];
  sigaction(sig, &prev, nullptr);
  errno = saved_errno;
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction) prev.sa_sigaction(sig, info, context);
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
  } else if (prev.sa_handler == SIG_DFL) {
    // A fault re-executes the faulting instruction on return and dies of it;
    // anything else (abort, kill, raise) is raised again.
    if (info == nullptr || info->si_code <= 0 || (sig != SIGSEGV && sig != SIGBUS && sig != SIGILL && sig != SIGFPE))
      raise(sig);
  }
  t_in_signal_handler = false;  // the program's own handler returned: it lives on
}

void install(int sig, bool only_if_default) {
  struct sigaction current{};
  if (sigaction(sig, nullptr, &current) != 0) return;
  const bool is_default = !(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_DFL;
  if (only_if_default && !is_default) return;
  g_previous[sig] = current;
  struct sigaction action{};
  action.sa_sigaction = on_signal;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  sigaction(sig, &action, nullptr);
}

std::string demangle(const char* mangled) {
  int status = 0;
  char* plain = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = status == 0 && plain ? plain : mangled;
  std::free(plain);
  return name;
}

void on_terminate() {
  std::string what = "std::terminate called without an active exception";
  if (std::exception_ptr current = std::current_exception()) {
    try {
      std::rethrow_exception(current);
    } catch (const std::exception& e) {
      what = "uncaught exception of type " + demangle(typeid(e).name()) + ": " + e.what();
    } catch (...) {
      what = "uncaught exception of a type not derived from std::exception";
    }
  }
  emit_text(static_cast<std::uint8_t>(format::EventKind::UncaughtException), 0, what, source_site{});
  Runtime::get().finish(format::EndReason::UncaughtException, 0);
  if (g_previous_terminate) g_previous_terminate();
  std::abort();
}

}  // namespace

void install_crash_handlers() {
  for (int sig : kFatal) install(sig, false);
  for (int sig : kTerminating) install(sig, true);
  g_previous_terminate = std::set_terminate(on_terminate);
}

}  // namespace weft::detail
