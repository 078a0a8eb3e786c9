// The framing of Chrome trace events over a JsonWriter: one event per line,
// the commas between them, the fields every event carries, and the args
// object. Knows nothing of weft's events.
#pragma once

#include <cstdint>
#include <string_view>

#include "weft/export/json_writer.hpp"

namespace weft::exporter {

class EventStream {
 public:
  EventStream(JsonWriter& json, std::uint64_t pid) : json_(json), pid_(pid) {}

  // `{"ph":..,"name":..,"cat":..,"ts":..,"pid":..,"tid":..` — finish with end().
  void begin(char ph, std::string_view name, std::string_view cat, std::uint64_t ts_ns, std::uint64_t tid);
  // A metadata ("M") event; `tid` 0 names the process.
  void begin_metadata(std::string_view name, std::uint64_t tid);

  void field(std::string_view key, std::string_view value);  // a string field
  void field_uint(std::string_view key, std::uint64_t value);
  void field_micros(std::string_view key, std::uint64_t ns);

  void args_begin();
  void arg(std::string_view key, std::string_view value);
  void arg_uint(std::string_view key, std::uint64_t value);
  void arg_bool(std::string_view key, bool value);
  void args_end();

  void end();
  std::uint64_t count() const { return count_; }

 private:
  void key(std::string_view k);  // `,"k":` (or without the comma as the first arg)

  JsonWriter& json_;
  std::uint64_t pid_;
  std::uint64_t count_ = 0;
  bool first_arg_ = false;
};

}  // namespace weft::exporter
