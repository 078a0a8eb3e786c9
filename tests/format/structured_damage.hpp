// A deterministic generator of the damage a byte-level fuzzer rarely makes:
// whole chunks dropped, duplicated or swapped, and record fields rewritten
// to extreme values, 70 KB strings or invalid UTF-8 — each with every
// checksum recomputed, so the damage gets past the chunk layer and reaches
// the decoders, the loader's cross-checks, the detectors and every output.
//
// The chunk and record layouts are written out here from the format's
// description (format/include/weft/format/schema.hpp, chunk_encoder.cpp's
// comments) rather than taken from the reader: the generator must not share
// the code it is testing.
//
// Each variant says what a correct reader must do with it:
//   Loads   — the file is a valid trace (a long or non-UTF-8 name is data);
//   Refused — the file contradicts itself (END's count, a lost chunk): a
//             one-line error, never a silent "clean";
//   Either  — a value the format allows but a program would not write: load
//             it or refuse it, as long as nothing crashes.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "weft/format/crc32c.hpp"
#include "weft/format/schema.hpp"

namespace weft::format::damage {

enum class Expect { Loads, Refused, Either };

inline const char* expect_name(Expect e) {
  switch (e) {
    case Expect::Loads: return "loads";
    case Expect::Refused: return "refused";
    case Expect::Either: return "loads or is refused";
  }
  return "?";
}

struct Variant {
  std::string name;  // what was done, e.g. "drop chunk 7 (EVTS), index and END offsets fixed"
  Expect expect;
  std::vector<unsigned char> bytes;
};

struct Chunk {
  std::uint32_t type = 0;
  std::vector<unsigned char> payload;
};

inline std::string type_name(std::uint32_t type) {
  std::string s(4, ' ');
  for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((type >> (8 * i)) & 0xff);
  return s;
}

// ---- little-endian fields and LEB128 varints --------------------------

inline std::uint64_t get_le(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | p[i];
  return v;
}
inline void put_le(std::vector<unsigned char>& out, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<unsigned char>(v >> (8 * i)));
}
inline void put_varint(std::vector<unsigned char>& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<unsigned char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<unsigned char>(v));
}
inline void put_string(std::vector<unsigned char>& out, const std::string& s) {
  put_varint(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

// Reads a record payload field by field; throws std::runtime_error on a
// payload the generator does not understand (a bug in the generator or a
// trace it was not meant for: the test fails loudly).
class Cursor {
 public:
  explicit Cursor(const std::vector<unsigned char>& p) : p_(p) {}
  bool done() const { return pos_ == p_.size(); }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const unsigned char b = byte();
      v |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw std::runtime_error("structured_damage: varint too long");
  }
  std::uint8_t byte() {
    if (pos_ >= p_.size()) throw std::runtime_error("structured_damage: record runs off its chunk");
    return p_[pos_++];
  }
  std::uint64_t fixed(int n) {
    if (pos_ + std::size_t(n) > p_.size()) throw std::runtime_error("structured_damage: record runs off its chunk");
    const std::uint64_t v = get_le(p_.data() + pos_, n);
    pos_ += std::size_t(n);
    return v;
  }
  std::string string() {
    const std::uint64_t n = varint();
    if (n > p_.size() - pos_) throw std::runtime_error("structured_damage: string runs off its chunk");
    std::string s(reinterpret_cast<const char*>(p_.data() + pos_), n);
    pos_ += n;
    return s;
  }

 private:
  const std::vector<unsigned char>& p_;
  std::size_t pos_ = 0;
};

// ---- the file as chunks -------------------------------------------------

struct File {
  std::vector<unsigned char> header;  // the 16-byte file header, kept as is
  std::vector<Chunk> chunks;

  static File split(const std::vector<unsigned char>& bytes) {
    if (bytes.size() < kFileHeaderSize) throw std::runtime_error("structured_damage: not a trace");
    File f;
    f.header.assign(bytes.begin(), bytes.begin() + kFileHeaderSize);
    std::size_t at = kFileHeaderSize;
    while (at + kChunkHeaderSize <= bytes.size()) {
      const std::uint32_t type = static_cast<std::uint32_t>(get_le(&bytes[at], 4));
      const std::size_t length = static_cast<std::size_t>(get_le(&bytes[at + 4], 4));
      if (at + kChunkHeaderSize + length > bytes.size()) throw std::runtime_error("structured_damage: torn chunk");
      const auto begin = bytes.begin() + static_cast<std::ptrdiff_t>(at + kChunkHeaderSize);
      f.chunks.push_back({type, std::vector<unsigned char>(begin, begin + static_cast<std::ptrdiff_t>(length))});
      at += kChunkHeaderSize + length;
    }
    if (at != bytes.size()) throw std::runtime_error("structured_damage: bytes after the last chunk");
    return f;
  }

  // Where each chunk's header will be once joined.
  std::vector<std::uint64_t> offsets() const {
    std::vector<std::uint64_t> out;
    std::uint64_t at = kFileHeaderSize;
    for (const Chunk& c : chunks) {
      out.push_back(at);
      at += kChunkHeaderSize + c.payload.size();
    }
    return out;
  }

  // The file with every chunk header's length and both checksums computed.
  std::vector<unsigned char> join() const {
    std::vector<unsigned char> out = header;
    for (const Chunk& c : chunks) {
      const std::size_t at = out.size();
      put_le(out, c.type, 4);
      put_le(out, c.payload.size(), 4);
      put_le(out, crc32c(c.payload.data(), c.payload.size()), 4);
      put_le(out, crc32c(&out[at], 12), 4);
      out.insert(out.end(), c.payload.begin(), c.payload.end());
    }
    return out;
  }

  std::optional<std::size_t> find(ChunkType type) const {
    for (std::size_t i = 0; i < chunks.size(); ++i)
      if (chunks[i].type == static_cast<std::uint32_t>(type)) return i;
    return std::nullopt;
  }
};

// ---- INDX and END, so that a moved chunk can be made consistent ------------

struct IndexEntry {
  std::uint64_t offset, thread, count, first_ticks, last_ticks;
};
inline std::vector<IndexEntry> read_index(const Chunk& c) {
  std::vector<IndexEntry> out;
  Cursor r(c.payload);
  while (!r.done()) {
    IndexEntry e{};
    e.offset = r.fixed(8);
    e.thread = r.varint();
    e.count = r.varint();
    e.first_ticks = r.fixed(8);
    e.last_ticks = r.fixed(8);
    out.push_back(e);
  }
  return out;
}
inline std::vector<unsigned char> write_index(const std::vector<IndexEntry>& entries) {
  std::vector<unsigned char> out;
  for (const IndexEntry& e : entries) {
    put_le(out, e.offset, 8);
    put_varint(out, e.thread);
    put_varint(out, e.count);
    put_le(out, e.first_ticks, 8);
    put_le(out, e.last_ticks, 8);
  }
  return out;
}

struct End {
  std::uint8_t reason;
  std::uint64_t status, events, dropped, index_offset;
};
inline End read_end(const Chunk& c) {
  Cursor r(c.payload);
  End e{};
  e.reason = r.byte();
  e.status = r.fixed(8);
  e.events = r.fixed(8);
  e.dropped = r.fixed(8);
  e.index_offset = r.fixed(8);
  return e;
}
inline std::vector<unsigned char> write_end(const End& e) {
  std::vector<unsigned char> out{e.reason};
  put_le(out, e.status, 8);
  put_le(out, e.events, 8);
  put_le(out, e.dropped, 8);
  put_le(out, e.index_offset, 8);
  return out;
}

// An event chunk's thread and count (the start of its payload).
inline std::pair<std::uint64_t, std::uint32_t> event_chunk_thread_and_count(const Chunk& c) {
  Cursor r(c.payload);
  const std::uint64_t thread = r.varint();
  return {thread, static_cast<std::uint32_t>(r.fixed(4))};
}

// Rewrites the index offsets and END's index offset for the chunks' new
// places. `origin[i]` is the position chunk i had in the original file
// (several new chunks may share one, for a duplicate). With `recount`, the
// index lists exactly the event chunks present and END counts their events:
// the file is then a consistent trace of fewer (or more) events.
inline void fix_offsets(File& f, const std::vector<std::size_t>& origin, const std::vector<std::uint64_t>& old_offsets,
                        bool recount) {
  const auto index_at = f.find(ChunkType::Index);
  const auto end_at = f.find(ChunkType::End);
  const std::vector<std::uint64_t> now = f.offsets();
  if (index_at) {
    std::vector<IndexEntry> entries = read_index(f.chunks[*index_at]);
    std::vector<IndexEntry> fixed;
    if (recount) {
      // One entry per event chunk present, in file order, from the entry
      // its original had.
      for (std::size_t i = 0; i < f.chunks.size(); ++i) {
        if (f.chunks[i].type != static_cast<std::uint32_t>(ChunkType::Events)) continue;
        for (const IndexEntry& e : entries)
          if (e.offset == old_offsets[origin[i]]) {
            IndexEntry moved = e;
            moved.offset = now[i];
            fixed.push_back(moved);
          }
      }
    } else {
      for (IndexEntry e : entries) {
        for (std::size_t i = 0; i < f.chunks.size(); ++i)
          if (old_offsets[origin[i]] == e.offset) {
            e.offset = now[i];
            break;
          }
        fixed.push_back(e);
      }
    }
    f.chunks[*index_at].payload = write_index(fixed);
  }
  if (end_at) {
    End e = read_end(f.chunks[*end_at]);
    if (index_at) e.index_offset = f.offsets()[*index_at];
    if (recount) {
      e.events = 0;
      for (const Chunk& c : f.chunks)
        if (c.type == static_cast<std::uint32_t>(ChunkType::Events)) e.events += event_chunk_thread_and_count(c).second;
    }
    f.chunks[*end_at].payload = write_end(e);
  }
}

// ---- the variants ---------------------------------------------------------

namespace detail {

inline bool is(const Chunk& c, ChunkType t) { return c.type == static_cast<std::uint32_t>(t); }

// A string that is not UTF-8: Latin-1 "é", a lone continuation byte, an
// overlong encoding of '/', a surrogate, and bytes that never occur.
inline std::string invalid_utf8() { return std::string("caf\xe9 \x80 \xc0\xaf \xed\xa0\x80 \xfe\xff", 17); }
inline std::string long_string() { return std::string(70 * 1024, 'L'); }

// One record of a THRD/OBJT/SITE chunk as its fields (numbers and strings in
// order), so a field can be replaced and the record written again.
struct Field {
  enum Type { Varint, Byte, Text } type;
  std::uint64_t number = 0;
  std::string text;
};
using Record = std::vector<Field>;

inline std::vector<Record> read_records(const Chunk& c, const std::vector<Field::Type>& layout) {
  std::vector<Record> out;
  Cursor r(c.payload);
  while (!r.done()) {
    Record rec;
    for (Field::Type t : layout) {
      Field f{t, 0, {}};
      if (t == Field::Varint) f.number = r.varint();
      if (t == Field::Byte) f.number = r.byte();
      if (t == Field::Text) f.text = r.string();
      rec.push_back(std::move(f));
    }
    out.push_back(std::move(rec));
  }
  return out;
}

inline std::vector<unsigned char> write_records(const std::vector<Record>& records) {
  std::vector<unsigned char> out;
  for (const Record& rec : records)
    for (const Field& f : rec) {
      if (f.type == Field::Varint) put_varint(out, f.number);
      if (f.type == Field::Byte) out.push_back(static_cast<unsigned char>(f.number));
      if (f.type == Field::Text) put_string(out, f.text);
    }
  return out;
}

struct RecordChunk {
  ChunkType type;
  const char* name;
  std::vector<Field::Type> layout;
  std::vector<const char*> field_names;
};

inline const std::vector<RecordChunk>& record_chunks() {
  using F = Field;
  static const std::vector<RecordChunk> table = {
      {ChunkType::Thread, "THRD", {F::Varint, F::Varint, F::Varint, F::Varint, F::Byte, F::Text},
       {"id", "os_tid", "parent", "object", "flags", "name"}},
      {ChunkType::Object, "OBJT", {F::Varint, F::Byte, F::Byte, F::Varint, F::Varint, F::Varint, F::Text},
       {"id", "kind", "flags", "site", "creator", "extra", "name"}},
      {ChunkType::Site, "SITE", {F::Varint, F::Varint, F::Text, F::Text}, {"id", "line", "file", "function"}},
  };
  return table;
}

}  // namespace detail

// Every variant of `trace` (a complete trace file as the runtime wrote it).
inline std::vector<Variant> structured_damage(const std::vector<unsigned char>& trace) {
  using detail::is;
  const File original = File::split(trace);
  const std::vector<std::uint64_t> old_offsets = original.offsets();
  std::vector<Variant> out;
  auto add = [&](std::string name, Expect expect, const File& f) { out.push_back({std::move(name), expect, f.join()}); };
  auto label = [&](std::size_t i) {
    return "chunk " + std::to_string(i) + " (" + type_name(original.chunks[i].type) + ")";
  };

  // A reference: the file split and joined again is the file.
  add("unchanged", Expect::Loads, original);

  // Whole chunks dropped, duplicated, swapped with the next one. Each once
  // as a byte-level copy would leave it (stale offsets), and once with the
  // index and END's offsets fixed, so only the content contradicts END.
  const std::size_t n = original.chunks.size();
  for (std::size_t i = 0; i < n; ++i) {
    const bool events = is(original.chunks[i], ChunkType::Events);
    const bool end = is(original.chunks[i], ChunkType::End);
    for (const bool fixed : {false, true}) {
      const std::string how = fixed ? ", offsets fixed" : ", offsets stale";
      {
        File f = original;
        std::vector<std::size_t> origin;
        for (std::size_t k = 0; k < n; ++k)
          if (k != i) origin.push_back(k);
        f.chunks.erase(f.chunks.begin() + static_cast<std::ptrdiff_t>(i));
        if (fixed) fix_offsets(f, origin, old_offsets, false);
        // Losing the END chunk is a truncated trace: it loads, as such.
        add("drop " + label(i) + how, end ? Expect::Loads : events ? Expect::Refused : Expect::Either, f);
      }
      {
        File f = original;
        std::vector<std::size_t> origin;
        for (std::size_t k = 0; k < n; ++k) {
          origin.push_back(k);
          if (k == i) origin.push_back(k);
        }
        f.chunks.insert(f.chunks.begin() + static_cast<std::ptrdiff_t>(i), original.chunks[i]);
        if (fixed) fix_offsets(f, origin, old_offsets, false);
        add("duplicate " + label(i) + how, events ? Expect::Refused : Expect::Either, f);
      }
      if (i + 1 < n) {
        File f = original;
        std::vector<std::size_t> origin;
        for (std::size_t k = 0; k < n; ++k) origin.push_back(k);
        std::swap(f.chunks[i], f.chunks[i + 1]);
        std::swap(origin[i], origin[i + 1]);
        if (fixed) fix_offsets(f, origin, old_offsets, false);
        add("swap " + label(i) + " with the next" + how, Expect::Either, f);
      }
    }
    // An event chunk dropped or duplicated and every count agreeing: the
    // file is a consistent trace, just not of the run that happened. Only
    // the order of each thread's chunks could tell, and nothing may crash.
    if (events) {
      File f = original;
      std::vector<std::size_t> origin;
      for (std::size_t k = 0; k < n; ++k)
        if (k != i) origin.push_back(k);
      f.chunks.erase(f.chunks.begin() + static_cast<std::ptrdiff_t>(i));
      fix_offsets(f, origin, old_offsets, true);
      add("drop " + label(i) + ", index and END recounted", Expect::Either, f);
    }
  }

  // Record fields: each field of the first, middle and last record of every
  // THRD/OBJT/SITE chunk set to 0, to the largest value its width holds,
  // to one past the largest id in use; each string made 70 KB long, made
  // invalid UTF-8, and emptied.
  for (std::size_t i = 0; i < n; ++i) {
    for (const detail::RecordChunk& rc : detail::record_chunks()) {
      if (!is(original.chunks[i], rc.type)) continue;
      const std::vector<detail::Record> records = detail::read_records(original.chunks[i], rc.layout);
      std::vector<std::size_t> which{0, records.size() / 2, records.size() - 1};
      if (records.empty()) which.clear();
      for (std::size_t pick = 0; pick < which.size(); ++pick) {
        if (pick > 0 && which[pick] == which[pick - 1]) continue;
        const std::size_t r = which[pick];
        for (std::size_t field = 0; field < rc.layout.size(); ++field) {
          auto variant = [&](const std::string& what, Expect expect, const detail::Field& value) {
            File f = original;
            std::vector<detail::Record> changed = records;
            changed[r][field] = value;
            f.chunks[i].payload = detail::write_records(changed);
            add(std::string(rc.name) + " record " + std::to_string(r) + " " + rc.field_names[field] + " " + what,
                expect, f);
          };
          using F = detail::Field;
          if (rc.layout[field] == F::Text) {
            // Names, files and functions are the program's bytes: any length
            // and any bytes load.
            variant("70 KB long", Expect::Loads, {F::Text, 0, detail::long_string()});
            variant("invalid UTF-8", Expect::Loads, {F::Text, 0, detail::invalid_utf8()});
            variant("empty", Expect::Loads, {F::Text, 0, ""});
          } else {
            const std::uint64_t max =
                rc.layout[field] == F::Byte ? 0xff : std::numeric_limits<std::uint64_t>::max();
            variant("0", Expect::Either, {rc.layout[field], 0, {}});
            variant("at its largest", Expect::Either, {rc.layout[field], max, {}});
            variant("one past the records", Expect::Either, {rc.layout[field], records.size() + 1, {}});
          }
        }
      }
    }
  }

  // END: each count off by one, each field at its extremes.
  if (const auto e = original.find(ChunkType::End)) {
    const End end = read_end(original.chunks[*e]);
    auto variant = [&](const std::string& what, Expect expect, End changed) {
      File f = original;
      f.chunks[*e].payload = write_end(changed);
      add("END " + what, expect, f);
    };
    End c = end;
    c.events = end.events + 1;
    variant("counts one event more than the chunks hold", Expect::Refused, c);
    c.events = end.events - 1;
    variant("counts one event fewer than the chunks hold", Expect::Refused, c);
    c.events = std::numeric_limits<std::uint64_t>::max();
    variant("counts 2^64-1 events", Expect::Refused, c);
    c = end;
    c.dropped = std::numeric_limits<std::uint64_t>::max();
    variant("says 2^64-1 events were dropped", Expect::Either, c);
    c = end;
    c.reason = 0xff;
    variant("gives an unknown reason", Expect::Either, c);
    c = end;
    c.status = std::numeric_limits<std::uint64_t>::max();
    variant("gives status 2^64-1", Expect::Either, c);
    for (const std::uint64_t offset : {std::uint64_t(0), std::uint64_t(1), std::uint64_t(kFileHeaderSize),
                                       std::numeric_limits<std::uint64_t>::max()}) {
      c = end;
      c.index_offset = offset;
      variant("points its index at byte " + std::to_string(offset), Expect::Either, c);
    }
  }

  // INDX: an entry's count and thread off, its offset at another chunk.
  if (const auto x = original.find(ChunkType::Index)) {
    const std::vector<IndexEntry> entries = read_index(original.chunks[*x]);
    for (std::size_t k = 0; k < entries.size(); k += std::max<std::size_t>(1, entries.size() / 3)) {
      auto variant = [&](const std::string& what, Expect expect, IndexEntry changed) {
        File f = original;
        std::vector<IndexEntry> all = entries;
        all[k] = changed;
        f.chunks[*x].payload = write_index(all);
        add("INDX entry " + std::to_string(k) + " " + what, expect, f);
      };
      IndexEntry e = entries[k];
      e.count += 1;
      variant("counts one event more", Expect::Either, e);
      e = entries[k];
      e.thread += 1000;
      variant("names a thread that does not exist", Expect::Either, e);
      e = entries[k];
      e.offset = kFileHeaderSize;
      variant("points at the first chunk", Expect::Either, e);
      e = entries[k];
      e.first_ticks = std::numeric_limits<std::uint64_t>::max();
      e.last_ticks = 0;
      variant("gives its ticks backwards", Expect::Either, e);
    }
  }

  // EVTS: the chunk header's count off by one, its thread and first tick at
  // their extremes (the events themselves are left as written).
  for (std::size_t i = 0; i < n; ++i) {
    if (!is(original.chunks[i], ChunkType::Events)) continue;
    Cursor r(original.chunks[i].payload);
    const std::uint64_t thread = r.varint();
    const std::uint32_t count = static_cast<std::uint32_t>(r.fixed(4));
    const std::uint64_t first = r.fixed(8);
    const std::size_t header_size = original.chunks[i].payload.size() - [&] {
      std::size_t rest = 0;
      while (!r.done()) {
        r.byte();
        ++rest;
      }
      return rest;
    }();
    auto variant = [&](const std::string& what, Expect expect, std::uint64_t t, std::uint32_t c, std::uint64_t ticks) {
      File f = original;
      std::vector<unsigned char> payload;
      put_varint(payload, t);
      put_le(payload, c, 4);
      put_le(payload, ticks, 8);
      payload.insert(payload.end(), original.chunks[i].payload.begin() + static_cast<std::ptrdiff_t>(header_size),
                     original.chunks[i].payload.end());
      f.chunks[i].payload = std::move(payload);
      add("EVTS " + label(i) + " " + what, expect, f);
    };
    variant("says it holds one event more", Expect::Refused, thread, count + 1, first);
    if (count > 1) variant("says it holds one event fewer", Expect::Refused, thread, count - 1, first);
    variant("belongs to a thread that does not exist", Expect::Either, thread + 1000, count, first);
    variant("starts at tick 2^64-1", Expect::Either, thread, count, std::numeric_limits<std::uint64_t>::max());
    variant("starts at tick 0", Expect::Either, thread, count, 0);
    break;  // the first event chunk: the same decoder reads them all
  }
  return out;
}

}  // namespace weft::format::damage
