// Test-side helpers: capture a format_error's message, and print events as
// one line each so a failed comparison shows which event differs.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "trace_builder.hpp"
#include "weft/format/bytes.hpp"
#include "weft/format/trace.hpp"

namespace weft::format::test {

// Runs f; returns the message of the format_error it throws. Fails the test
// if it throws nothing or anything else: "every problem is a format_error"
// is part of the reader's contract.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const format_error& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("expected format_error, got another exception: " << e.what());
  }
  FAIL("expected format_error, nothing was thrown");
  return {};
}

// Messages are shown to the user as they are: one line, never empty.
inline bool one_line(const std::string& message) { return !message.empty() && message.find('\n') == std::string::npos; }

// The fields an event keeps from disk (time excluded: it is converted).
inline std::string show(std::uint32_t thread, std::uint8_t kind, std::uint32_t object, std::uint64_t seq,
                        std::uint64_t arg, std::uint32_t site, std::uint8_t flags, std::string_view text) {
  std::string s = "t" + std::to_string(thread) + " " + std::string(builtin_kind(kind).name) + " obj=" +
                  std::to_string(object) + " seq=" + (seq == kNoSeq ? std::string("-") : std::to_string(seq)) +
                  " site=" + std::to_string(site) + " flags=" + std::to_string(flags);
  if (builtin_kind(kind).layout & kLayoutText) return s + " text=\"" + std::string(text) + "\"";
  return s + " arg=" + std::to_string(arg);
}
inline std::string show(const Trace& t, const Event& e) {
  return show(e.thread, static_cast<std::uint8_t>(e.kind), e.object, e.seq, e.arg, e.site, e.flags, t.text(e));
}
inline std::string show(const WrittenEvent& e) {
  return show(e.thread, e.kind, e.object, e.seq, e.arg, e.site, e.flags, e.text);
}

// A loaded trace's events of one thread, in the order they come out.
inline std::vector<std::string> shown_events_of(const Trace& t, std::uint32_t thread) {
  std::vector<std::string> out;
  for (const Event& e : t.events)
    if (e.thread == thread) out.push_back(show(t, e));
  return out;
}
inline std::vector<std::string> shown(const std::vector<WrittenEvent>& events) {
  std::vector<std::string> out;
  for (const WrittenEvent& e : events) out.push_back(show(e));
  return out;
}

}  // namespace weft::format::test
