#include "event_stream.hpp"

namespace weft::exporter {

void EventStream::begin(char ph, std::string_view name, std::string_view cat, std::uint64_t ts_ns, std::uint64_t tid) {
  json_.raw(count_ ? ",\n{\"ph\":\"" : "\n{\"ph\":\"");
  json_.raw(ph);
  json_.raw("\",\"name\":");
  json_.string(name);
  json_.raw(",\"cat\":");
  json_.string(cat);
  json_.raw(",\"ts\":");
  json_.micros(ts_ns);
  json_.raw(",\"pid\":");
  json_.uint(pid_);
  json_.raw(",\"tid\":");
  json_.uint(tid);
}

void EventStream::begin_metadata(std::string_view name, std::uint64_t tid) {
  json_.raw(count_ ? ",\n{\"ph\":\"M\",\"name\":" : "\n{\"ph\":\"M\",\"name\":");
  json_.string(name);
  json_.raw(",\"pid\":");
  json_.uint(pid_);
  if (tid) {
    json_.raw(",\"tid\":");
    json_.uint(tid);
  }
}

void EventStream::field(std::string_view k, std::string_view value) {
  key(k);
  json_.string(value);
}

void EventStream::field_uint(std::string_view k, std::uint64_t value) {
  key(k);
  json_.uint(value);
}

void EventStream::field_micros(std::string_view k, std::uint64_t ns) {
  key(k);
  json_.micros(ns);
}

void EventStream::args_begin() {
  json_.raw(",\"args\":{");
  first_arg_ = true;
}

void EventStream::arg(std::string_view k, std::string_view value) { field(k, value); }
void EventStream::arg_uint(std::string_view k, std::uint64_t value) { field_uint(k, value); }
void EventStream::arg_bool(std::string_view k, bool value) {
  key(k);
  json_.raw(value ? "true" : "false");
}

void EventStream::args_end() {
  json_.raw('}');
  first_arg_ = false;
}

void EventStream::end() {
  json_.raw('}');
  ++count_;
  json_.maybe_flush();
}

void EventStream::key(std::string_view k) {
  json_.raw(first_arg_ ? "\"" : ",\"");
  first_arg_ = false;
  json_.raw(k);  // keys are weft's own literals: nothing to escape
  json_.raw("\":");
}

}  // namespace weft::exporter
