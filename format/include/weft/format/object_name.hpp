// Objects' names as a trace keeps them: interned, not one string each.
//
// A trace can define millions of objects (a mutex per node of a map), and
// most of their names differ only in a number: the recorder's placeholders
// ("mutex#1609263") and the names weft record gives heap objects after
// their creation site ("mutex@node.cpp:12#2"). An ObjectName is a stem kept
// once, by the trace's NameStore, and the number after its last '#':
// 16 bytes and no allocation of its own, where a std::string was 32 and,
// past 15 characters, a heap block besides.
//
// A name splits only where joining gives the same text back ("x#7" is
// "x" and 7; "x#07", "x#0" and "x#" keep their '#' in the stem), so a name
// reads back exactly as it was kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace weft::format {

class NameStore;

class ObjectName {
 public:
  constexpr ObjectName() = default;
  // A string literal, kept by the program itself ("lock_X" in a test, a
  // placeholder of the code): its text outlives every trace. A name made
  // at run time is kept by a NameStore (keep), never pointed at here: a
  // std::string's text would die before the trace.
  template <std::size_t N>
  consteval ObjectName(const char (&literal)[N]) : stem_(literal), size_(N - 1) {}  // NOLINT: implicit, as a string's

  // The whole name, as it was given.
  std::string str() const {
    std::string s(stem());
    if (number_ != 0) s += "#" + std::to_string(number_);
    return s;
  }
  std::string_view stem() const { return {stem_, size_}; }
  std::uint32_t number() const { return number_; }  // after the '#', 0 if none was split off
  bool empty() const { return size_ == 0 && number_ == 0; }

  // Names compare as their text: a literal "x#3" equals "x#3" kept.
  friend bool operator==(const ObjectName& a, const ObjectName& b) {
    if (a.number_ == b.number_) return a.stem() == b.stem();
    return a == std::string_view(b.str());
  }
  // Against text: a name split or not compares as the text it reads as.
  friend bool operator==(const ObjectName& a, std::string_view text) {
    if (a.number_ == 0) return a.stem() == text;
    return text.size() > a.size_ && text.substr(0, a.size_) == a.stem() && text.substr(a.size_) == a.suffix();
  }
  friend bool operator==(const ObjectName& a, const char* text) { return a == std::string_view(text); }
  friend std::ostream& operator<<(std::ostream& out, const ObjectName& n) { return out << n.str(); }

 private:
  friend class NameStore;
  ObjectName(const char* stem, std::uint32_t size, std::uint32_t number) : stem_(stem), size_(size), number_(number) {}
  std::string suffix() const { return "#" + std::to_string(number_); }

  const char* stem_ = "";
  std::uint32_t size_ = 0;
  std::uint32_t number_ = 0;
};

// The stems of one trace's object names, each kept once. Shared by the
// copies of a Trace (their names point into it), so it lives as long as
// the last of them. Keeping a name is thread-safe; a stem, once kept,
// never moves.
class NameStore {
 public:
  NameStore() = default;
  NameStore(const NameStore&) = delete;
  NameStore& operator=(const NameStore&) = delete;

  // `name` as an ObjectName whose stem this store keeps.
  ObjectName keep(std::string_view name);
  // `name` kept here, wherever its stem was kept before (another trace's
  // store, a literal): what a trace made of others' objects keeps.
  ObjectName keep_from(const ObjectName& name);

 private:
  std::string_view intern(std::string_view stem);  // under m_

  std::mutex m_;
  std::vector<std::unique_ptr<char[]>> blocks_;  // stems, one after another; never moved
  std::size_t block_size_ = 0, block_used_ = 0;
  std::unordered_set<std::string_view> stems_;   // views into blocks_
};

}  // namespace weft::format
