// weft::thread without a name: weft::thread t(f, args...), named "Thread-N"
// as Python names its threads, with the creating line recorded as for a
// named thread; and which argument is the name when strings are about.
#include <atomic>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "../support/trace_probe.hpp"

using weft::format::EventKind;

namespace {

// "Thread-N" -> N; 0 if `name` is not of that form.
unsigned thread_number(const std::string& name) {
  if (name.rfind("Thread-", 0) != 0 || name.size() == 7) return 0;
  return static_cast<unsigned>(std::stoul(name.substr(7)));
}

std::string greeting;
void greet(std::string_view who) { greeting = "hello " + std::string(who); }

// A function taking up to the most arguments the unnamed form passes on.
int sum6(int a, int b, int c, int d, int e, int f) { return a + b + c + d + e + f; }

template <class... A>
concept startable = requires(A&&... a) { weft::thread(std::forward<A>(a)...); };

}  // namespace

TEST_CASE("a thread started without a name runs its function with its arguments", "[thread]") {
  int result = 0;
  weft::thread t([&](int a, int b) { result = a * b; }, 6, 7);
  t.join();
  CHECK(result == 42);
}

TEST_CASE("unnamed threads are named Thread-1, Thread-2, ... in the order they are created", "[thread]") {
  weft::thread a([] {});
  weft::thread b({}, [] {});
  weft::thread c([](int) {}, 1);
  const unsigned first = thread_number(a.name());
  REQUIRE(first >= 1);
  CHECK(b.name() == "Thread-" + std::to_string(first + 1));
  CHECK(c.name() == "Thread-" + std::to_string(first + 2));
  weft::thread named("not-counted", [] {});
  weft::thread d([] {});
  CHECK(d.name() == "Thread-" + std::to_string(first + 3));
}

TEST_CASE("an unnamed thread's creation is recorded at the line that created it", "[thread]") {
  weft::thread t([](int, int) {}, 1, 2); const unsigned line = __LINE__;
  t.join();
  const auto probe = weft::test::Probe::take();
  const auto& info = probe.trace.thread(t.id());
  CHECK(info.name == t.name());
  bool found = false;
  for (const auto& e : probe.on_object(info.object)) {
    if (e.kind != EventKind::ThreadCreate) continue;
    found = true;
    CHECK(probe.trace.site(e.site).line == line);
    CHECK(probe.site_file(e).find("test_thread_unnamed.cpp") != std::string::npos);
  }
  CHECK(found);
}

TEST_CASE("the unnamed form passes up to six arguments on, and no more without a name", "[thread]") {
  std::atomic<int> result{0};
  weft::thread t([&](int a, int b, int c, int d, int e, int f) { result = sum6(a, b, c, d, e, f); }, 1, 2, 3, 4, 5, 6);
  t.join();
  CHECK(result == 21);
  static_assert(weft::thread::kMaxUnnamedArgs == 6);
  // Seven arguments go through the named form.
  weft::thread u({}, [&](int a, int b, int c, int d, int e, int f, int g) { result = sum6(a, b, c, d, e, f) + g; },
                 1, 2, 3, 4, 5, 6, 7);
  u.join();
  CHECK(result == 28);
}

TEST_CASE("a function whose first parameter is a string: the first argument is the name only before a function",
          "[thread]") {
  // The function first: "bob" is its argument, the thread is unnamed.
  weft::thread unnamed(greet, "bob");
  unnamed.join();
  CHECK(greeting == "hello bob");
  CHECK(thread_number(unnamed.name()) >= 1);

  // A name first, as a literal, a std::string or a std::string_view.
  weft::thread named("greeter", greet, "ann");
  named.join();
  CHECK(greeting == "hello ann");
  CHECK(named.name() == "greeter");
  const std::string name = "greeter-2";
  weft::thread named2(name, greet, std::string("cy"));
  named2.join();
  CHECK(greeting == "hello cy");
  CHECK(named2.name() == "greeter-2");
  weft::thread named3(std::string_view("greeter-3"), greet, "di");
  named3.join();
  CHECK(named3.name() == "greeter-3");
}

TEST_CASE("what is neither a function nor a name and a function does not start a thread", "[thread]") {
  // Compile-time facts: the overloads are constrained, not merely failing
  // inside std::thread.
  STATIC_REQUIRE(startable<void (*)(std::string_view), const char*>);
  STATIC_REQUIRE(startable<const char*, void (*)(std::string_view), const char*>);
  STATIC_REQUIRE_FALSE(startable<const char*>);                   // a name, no function
  STATIC_REQUIRE_FALSE(startable<const char*, const char*>);      // a name, then not a function
  STATIC_REQUIRE_FALSE(startable<void (*)(std::string_view)>);    // the argument is missing
  STATIC_REQUIRE_FALSE(startable<void (*)(int), const char*>);    // the wrong argument
}
