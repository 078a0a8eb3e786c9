// What a Perfetto trace shows, read back the way a user's tools read it:
// `protoc --decode=perfetto.protos.Trace` against the published schema
// (perfetto_proto/), then the decoded packets replayed as trace_processor
// does (sequences, incremental state, interning, the incremental clock,
// track descriptors, begin/end stacks per track, flows by id). And the same
// view of a Chrome JSON export, so a test can say "the two show the same".
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../support/subprocess.hpp"
#include "chrome_checks.hpp"

namespace weft::test {

// protoc's text format as a tree: `name { ... }` and `name: value`.
struct TextNode {
  std::string name, value;
  std::vector<TextNode> children;

  std::vector<const TextNode*> all(const std::string& n) const {
    std::vector<const TextNode*> out;
    for (const TextNode& c : children)
      if (c.name == n) out.push_back(&c);
    return out;
  }
  const TextNode* child(const std::string& n) const {
    for (const TextNode& c : children)
      if (c.name == n) return &c;
    return nullptr;
  }
  bool has(const std::string& n) const { return child(n) != nullptr; }
  std::uint64_t num(const std::string& n, std::uint64_t fallback = 0) const {
    const TextNode* c = child(n);
    return c ? std::stoull(c->value) : fallback;
  }
  std::string str(const std::string& n) const {
    const TextNode* c = child(n);
    return c ? c->value : std::string();
  }
};

// A quoted protoc string: C escapes, non-ASCII bytes as \ooo.
inline std::string unquote(const std::string& s) {
  if (s.size() < 2 || s.front() != '"') return s;
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    if (c >= '0' && c <= '7') {
      int v = 0, n = 0;
      for (; n < 3 && i < s.size() - 1 && s[i] >= '0' && s[i] <= '7'; ++n, ++i) v = v * 8 + (s[i] - '0');
      --i;
      out += static_cast<char>(v);
    } else {
      out += c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
    }
  }
  return out;
}

inline TextNode parse_text(const std::string& text) {
  TextNode root;
  std::vector<TextNode*> stack{&root};
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    line.erase(0, line.find_first_not_of(' '));
    if (line.empty()) continue;
    if (line == "}") {
      stack.pop_back();
    } else if (line.size() > 2 && line.compare(line.size() - 2, 2, " {") == 0) {
      stack.back()->children.push_back({line.substr(0, line.size() - 2), "", {}});
      stack.push_back(&stack.back()->children.back());
    } else {
      const std::size_t colon = line.find(": ");
      stack.back()->children.push_back({line.substr(0, colon), unquote(line.substr(colon + 2)), {}});
    }
  }
  return root;
}

// Runs protoc on a file; the decoded text, or a failed test.
inline std::string protoc_decode(const std::filesystem::path& trace) {
  const std::string protoc = WEFT_PROTOC;
  INFO("protoc is needed to check the Perfetto export; scripts/setup.sh installs it (protobuf-compiler)");
  REQUIRE(std::filesystem::exists(protoc));
  const std::string proto_dir = WEFT_PERFETTO_PROTO;
  const auto r = run_child({"/bin/sh", "-c",
                            "exec \"$0\" --decode=perfetto.protos.Trace -I \"$1\" perfetto_trace.proto < \"$2\"", protoc,
                            proto_dir, trace.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// One row per thing shown; tracks by name ("<process>" for the process's own).
using SliceRow = std::tuple<std::string, std::string, std::string, std::int64_t, std::int64_t>;  // track, name, cat, ts, dur
using InstantRow = std::tuple<std::string, std::string, std::string, std::int64_t>;              // track, name, cat, ts
using CounterRow = std::tuple<std::string, std::int64_t, std::int64_t>;                          // track, ts, value
using FlowEnd = std::pair<std::string, std::int64_t>;                                            // track, ts

struct View {
  std::string process;
  std::set<std::string> threads;  // thread tracks (with the overlap lanes)
  std::multiset<SliceRow> slices;
  std::map<std::uint64_t, std::pair<FlowEnd, FlowEnd>> flows;  // id -> (from, to)
  std::multiset<InstantRow> instants;
  std::multiset<CounterRow> counters;
  std::vector<std::string> problems;  // what a reader would reject or misread
};

// The Perfetto trace, replayed.
inline View perfetto_view(const std::string& decoded) {
  View v;
  static const std::regex unknown_field(R"((^|\n) *[0-9]+(: | \{))");
  if (std::regex_search(decoded, unknown_field)) v.problems.push_back("a field the schema does not have");
  struct Sequence {
    std::map<std::string, std::map<std::uint64_t, std::string>> interned;  // table -> iid -> name
    std::uint64_t clock_id = 6, default_track = 0, clock = 0;
    bool cleared = false;
  };
  std::map<std::uint64_t, Sequence> sequences;
  std::map<std::uint64_t, std::string> track_names;  // uuid -> name
  std::set<std::uint64_t> counter_tracks;
  struct Begun {
    std::string name, cat;
    std::int64_t ts;
  };
  std::map<std::uint64_t, std::vector<Begun>> stacks;  // per track
  const TextNode root = parse_text(decoded);
  for (const TextNode* p : root.all("packet")) {
    if (!p->has("trusted_packet_sequence_id")) v.problems.push_back("a packet without a sequence id");
    Sequence& seq = sequences[p->num("trusted_packet_sequence_id")];
    const std::uint64_t flags = p->num("sequence_flags");
    if (flags & 1) seq = Sequence{{}, 6, 0, 0, true};
    else if (!seq.cleared) v.problems.push_back("a packet before its sequence's state was cleared");
    else if (!(flags & 2)) v.problems.push_back("a packet that does not say it needs the sequence's state");
    if (const TextNode* d = p->child("trace_packet_defaults")) {
      seq.clock_id = d->num("timestamp_clock_id", 6);
      if (const TextNode* te = d->child("track_event_defaults")) seq.default_track = te->num("track_uuid");
    }
    if (const TextNode* in = p->child("interned_data"))
      for (const TextNode& e : in->children) {
        const std::uint64_t iid = e.num("iid");
        std::string name = e.name == "source_locations" ? e.str("file_name") + ":" + e.str("line_number") : e.str("name");
        auto& table = seq.interned[e.name];
        for (const auto& [other, other_name] : table)
          if (other_name == name) v.problems.push_back("interned twice in one sequence: " + name);
        if (!table.emplace(iid, name).second) v.problems.push_back("iid defined twice: " + e.name);
      }
    if (const TextNode* cs = p->child("clock_snapshot"))
      for (const TextNode* c : cs->all("clocks"))
        if (c->num("clock_id") >= 64) seq.clock = c->num("timestamp");  // tied to BOOTTIME 0
    if (const TextNode* d = p->child("track_descriptor")) {
      const std::uint64_t uuid = d->num("uuid");
      if (const TextNode* proc = d->child("process")) {
        v.process = proc->str("process_name");
        track_names[uuid] = "<process>";
      } else if (const TextNode* th = d->child("thread")) {
        track_names[uuid] = th->str("thread_name");
        v.threads.insert(th->str("thread_name"));
      } else {
        track_names[uuid] = d->str("name");
        if (d->has("counter")) counter_tracks.insert(uuid);
      }
    }
    const TextNode* te = p->child("track_event");
    if (!te) continue;
    const std::uint64_t clock_id = p->num("timestamp_clock_id", seq.clock_id);
    std::int64_t ts = 0;
    if (clock_id >= 64) ts = static_cast<std::int64_t>(seq.clock += p->num("timestamp"));
    else ts = static_cast<std::int64_t>(p->num("timestamp"));
    const std::uint64_t track = te->num("track_uuid", seq.default_track);
    if (!track_names.count(track)) v.problems.push_back("an event on an undescribed track");
    const std::string& track_name = track_names[track];
    const auto lookup = [&](const std::string& table, std::uint64_t iid) {
      const auto& t = seq.interned[table];
      const auto it = t.find(iid);
      if (it == t.end()) v.problems.push_back("an iid used before it was interned: " + table);
      return it == t.end() ? std::string() : it->second;
    };
    const std::string name = te->has("name_iid") ? lookup("event_names", te->num("name_iid")) : "";
    const std::string cat = te->has("category_iids") ? lookup("event_categories", te->num("category_iids")) : "";
    if (te->has("source_location_iid")) lookup("source_locations", te->num("source_location_iid"));
    for (const TextNode* a : te->all("debug_annotations")) lookup("debug_annotation_names", a->num("name_iid"));
    for (const TextNode* f : te->all("flow_ids")) v.flows[std::stoull(f->value)].first = {track_name, ts};
    for (const TextNode* f : te->all("terminating_flow_ids")) v.flows[std::stoull(f->value)].second = {track_name, ts};
    const std::string type = te->str("type");
    if (type == "TYPE_SLICE_BEGIN") {
      stacks[track].push_back({name, cat, ts});
    } else if (type == "TYPE_SLICE_END") {
      auto& stack = stacks[track];
      if (stack.empty()) {
        v.problems.push_back("a slice end with no slice open on " + track_name);
        continue;
      }
      v.slices.insert({track_name, stack.back().name, stack.back().cat, stack.back().ts, ts - stack.back().ts});
      stack.pop_back();
    } else if (type == "TYPE_INSTANT") {
      v.instants.insert({track_name, name, cat, ts});
    } else if (type == "TYPE_COUNTER") {
      if (!counter_tracks.count(track)) v.problems.push_back("a counter value on a track that is not a counter");
      v.counters.insert({track_name, ts, std::stoll(te->str("counter_value").empty() ? "0" : te->str("counter_value"))});
    } else {
      v.problems.push_back("an event of no known type");
    }
  }
  for (const auto& [track, stack] : stacks)
    if (!stack.empty()) v.problems.push_back("a slice never ended on " + track_names[track]);
  return v;
}

// The Chrome JSON export, as Perfetto UI imports it.
inline View chrome_view(const nlohmann::json& doc) {
  View v;
  std::map<std::int64_t, std::string> tids;
  for (const nlohmann::json& e : doc["traceEvents"])
    if (e["ph"] == "M" && e["name"] == "thread_name") {
      tids[e["tid"].get<std::int64_t>()] = e["args"]["name"].get<std::string>();
      v.threads.insert(e["args"]["name"].get<std::string>());
    } else if (e["ph"] == "M" && e["name"] == "process_name") {
      v.process = e["args"]["name"].get<std::string>();
    }
  for (const nlohmann::json& e : doc["traceEvents"]) {
    const std::string ph = e["ph"];
    if (ph == "M") continue;
    const std::string track = tids[e["tid"].get<std::int64_t>()];
    const std::int64_t ts = ns_of(e["ts"]);
    if (ph == "X") v.slices.insert({track, e["name"], e["cat"], ts, ns_of(e["dur"])});
    if (ph == "s") v.flows[e["id"].get<std::uint64_t>()].first = {track, ts};
    if (ph == "f") v.flows[e["id"].get<std::uint64_t>()].second = {track, ts};
    if (ph == "i") v.instants.insert({e["s"] == "p" ? "<process>" : track, e["name"], e["cat"], ts});
    if (ph == "C")
      for (const auto& [key, value] : e["args"].items())
        v.counters.insert({e["name"].get<std::string>() + " " + key, ts, value.get<std::int64_t>()});
  }
  return v;
}

}  // namespace weft::test
