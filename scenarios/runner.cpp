#include "runner.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include <weft/detail/blocking.hpp>
#include <weft/detail/explore.hpp>
#include <weft/weft.hpp>

namespace weft::scenarios {
namespace {

std::uint64_t parse_number(const std::string& flag, const std::string& text) {
  std::size_t used = 0;
  unsigned long long v = 0;
  try {
    v = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || text[0] == '-')
    throw command_line::usage_error(flag + " wants a whole number, not '" + text + "'");
  return v;
}

}  // namespace

void declare_run_flags(command_line::parser& p, run_flags& flags) {
  p.option("--seed", flags.seed, "N", "the seed of the scenario's random choices (default: a random one, logged in the trace)");
  p.option("--timeout", flags.timeout, "SECONDS",
           "stop the program, with a complete trace, after this long, 1 to 3600 (default: 30, 3 for a hang)");
}

run_settings settings_from(const run_flags& flags) {
  run_settings s;
  s.opt.seed = std::random_device{}();
  if (flags.seed) {
    s.opt.seed = parse_number("--seed", *flags.seed);
    s.seed_given = true;
  }
  if (flags.timeout) {
    const std::uint64_t v = parse_number("--timeout", *flags.timeout);
    if (v == 0 || v > 3600) throw command_line::usage_error("--timeout wants seconds from 1 to 3600");
    s.timeout = std::chrono::seconds(v);
  }
  return s;
}

std::chrono::milliseconds default_timeout(const scenario& s) {
  return s.hangs ? std::chrono::milliseconds(3000) : std::chrono::milliseconds(30000);
}

int run_scenario(const scenario& s, const run_settings& settings) {
  weft::log(std::string("scenario ") + s.name + ", seed " + std::to_string(settings.opt.seed));
  const auto timeout = settings.timeout.count() ? settings.timeout : default_timeout(s);
  const std::string too_long = std::string("scenario ") + s.name + " did not finish within " +
                               std::to_string(timeout.count() / 1000.0).substr(0, 4) + " s: it hangs";

  // Under the controlled scheduler (weft explore) the deadline is on its
  // virtual clock, where a scenario's sleeps cost nothing.
  if (weft::detail::exploring()) {
    weft::detail::explore::stop_at(timeout, too_long.c_str());
    return s.run(settings.opt);
  }

  // The deadline keeper: a plain thread, invisible in the trace until it has
  // to act (then it records why it stopped the program).
  // The scenario starts once the keeper is set up: a scenario that forks at
  // once must not fork while the keeper is half way through its first
  // allocations (under AddressSanitizer, whose allocator takes no lock
  // around fork(), the child would inherit the allocator's lock held).
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  bool finished = false;
  std::thread keeper([&] {
    weft::detail::watchdog_ignore_current_thread();  // not part of the lesson
    std::unique_lock<std::mutex> lock(m);
    ready = true;
    cv.notify_all();
    if (cv.wait_for(lock, timeout, [&] { return finished; })) return;
    weft::this_thread::set_name("deadline");
    weft::stop_program(too_long);
  });
  {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return ready; });
  }
  const int status = s.run(settings.opt);
  {
    std::lock_guard<std::mutex> lock(m);
    finished = true;
  }
  cv.notify_all();
  keeper.join();
  return status;
}

}  // namespace weft::scenarios
