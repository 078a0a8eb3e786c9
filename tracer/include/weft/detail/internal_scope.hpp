// Marks the calling thread as inside weft's runtime.
//
// weft record's preload library stands in front of every pthread function:
// the runtime's own locks and condition variables (its writer's wake-up,
// the registry, stopping its threads at exit) would be recorded as the
// program's. The wrappers pass a call straight on while the flag is set.
// They set it themselves around everything they do; the runtime sets it
// where it is entered without a wrapper: at exit (atexit, std::terminate),
// in crash handlers and when a thread ends (its thread-local destructor).
// Outside weft record nobody reads the flag.
#pragma once

namespace weft::detail {

extern constinit thread_local bool t_inside_weft __attribute__((tls_model("initial-exec")));

class internal_scope {
 public:
  internal_scope() noexcept : was_(t_inside_weft) { t_inside_weft = true; }
  ~internal_scope() { t_inside_weft = was_; }
  internal_scope(const internal_scope&) = delete;
  internal_scope& operator=(const internal_scope&) = delete;

 private:
  bool was_;
};

}  // namespace weft::detail
