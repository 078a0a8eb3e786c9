// Reads back what the runtime recorded in this very test process: flush the
// trace, load the file with the real reader, and pick out the events of the
// objects and threads a test cares about. Tests thus check the whole path,
// from primitive to file to reader, not an in-memory shortcut.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <weft/format/loader.hpp>
#include <weft/weft.hpp>

namespace weft::test {

struct Probe {
  format::Trace trace;

  static Probe take() {
    weft::flush();
    return Probe{format::load_trace(weft::trace_path())};
  }

  std::vector<format::Event> on_object(std::uint32_t object) const {
    std::vector<format::Event> out;
    std::copy_if(trace.events.begin(), trace.events.end(), std::back_inserter(out),
                 [&](const format::Event& e) { return e.object == object; });
    return out;
  }
  std::vector<format::Event> on_thread(std::uint32_t thread) const {
    std::vector<format::Event> out;
    std::copy_if(trace.events.begin(), trace.events.end(), std::back_inserter(out),
                 [&](const format::Event& e) { return e.thread == thread; });
    return out;
  }
  // Event kinds of an object's events, in trace order.
  std::vector<format::EventKind> kinds(std::uint32_t object) const {
    std::vector<format::EventKind> out;
    for (const format::Event& e : on_object(object)) out.push_back(e.kind);
    return out;
  }
  std::vector<std::string> marks(std::uint32_t thread) const {
    std::vector<std::string> out;
    for (const format::Event& e : on_thread(thread))
      if (e.kind == format::EventKind::Mark) out.emplace_back(trace.text(e));
    return out;
  }
  std::string site_file(const format::Event& e) const { return trace.site(e.site).file; }
};

}  // namespace weft::test
