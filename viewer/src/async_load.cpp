#include "async_load.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string_view>

#include "weft/format/trace_file.hpp"

namespace weft::viewer {
namespace {

// The share of the whole load each stage stands for on the bar: reading
// first, then the analysis and layout parts, equal among themselves.
constexpr double kReadShare = 0.4;
constexpr unsigned kParts = kAnalysisParts + kLayoutParts;

std::uint64_t size_of(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {  // a run's directory: its traces
    std::uint64_t total = 0;
    for (const auto& entry : fs::directory_iterator(path, ec))
      if (entry.is_regular_file(ec) && entry.path().extension() == ".weft") total += entry.file_size(ec);
    return total;
  }
  const std::uintmax_t n = fs::file_size(path, ec);
  return ec ? 0 : n;
}

std::string megabytes(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(bytes) / 1e6);
  return buf;
}

}  // namespace

void check_readable(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (!fs::exists(st) || fs::is_regular_file(st)) format::TraceFile header(p);  // throws what is wrong
  }
}

std::string LoadProgress::describe() const {
  switch (stage) {
    case OpenStage::Reading:
      return bytes_total ? "reading " + megabytes(bytes_read) + " of " + megabytes(bytes_total) + " MB" : "reading";
    case OpenStage::Analysing:
    case OpenStage::LayingOut:
      return std::string(open_stage_name(stage)) + ": " + std::to_string(parts_done) + " of " +
             std::to_string(parts_total) + " parts";
    case OpenStage::Done: return failed ? "failed" : "done";
  }
  return "";
}

AsyncLoad::AsyncLoad(std::vector<std::string> paths, Observer observer)
    : paths_(std::move(paths)), observer_(std::move(observer)) {
  if (paths_.empty()) paths_.emplace_back();  // fails in the worker like any unreadable path
  for (const std::string& p : paths_) bytes_total_ += size_of(p);
  progress_.bytes_total = bytes_total_;
  worker_ = std::thread([this] { run(); });
}

AsyncLoad::~AsyncLoad() {
  cancel();
  worker_.join();
}

void AsyncLoad::run() {
  std::unique_ptr<Document> doc;
  std::exception_ptr error;
  try {
    format::LoadOptions options;
    options.progress = [this](std::uint64_t bytes) {
      bytes_read_.fetch_add(bytes, std::memory_order_relaxed);
      return !cancel_.load(std::memory_order_relaxed);
    };
    format::Trace trace;
    try {
      trace = read_trace(paths_, options);
    } catch (const format::load_cancelled&) {
      throw open_cancelled();  // what a cancelled load finishes with, whatever the stage
    }
    if (cancel_.load()) throw open_cancelled();
    {
      std::unique_lock lock(m_);
      progress_.stage = OpenStage::Analysing;
      progress_.bytes_read = bytes_total_;
      progress_.parts_total = kAnalysisParts;
      progress_.fraction = kReadShare;
      publish(lock);
    }
    OpenControl control;
    control.cancel = &cancel_;
    control.part_done = [this](OpenStage stage) { part_done(stage); };
    doc = make_document(std::move(trace), paths_.front(), control);
  } catch (...) {
    error = std::current_exception();
  }
  std::unique_lock lock(m_);
  doc_ = std::move(doc);
  error_ = error;
  finished_ = true;
  progress_.stage = OpenStage::Done;
  progress_.failed = error != nullptr;
  progress_.fraction = 1;
  progress_.parts_done = progress_.parts_total = 0;
  publish(lock);
  cv_.notify_all();
}

void AsyncLoad::part_done(OpenStage stage) {
  std::unique_lock lock(m_);
  // Parts finish on several threads in any order (the timeline may be done
  // before the findings): the bar names the analysis until all of it is
  // done, and its length counts every part done.
  (stage == OpenStage::Analysing ? analysis_done_ : layout_done_)++;
  const bool analysing = analysis_done_ < kAnalysisParts;
  progress_.stage = analysing ? OpenStage::Analysing : OpenStage::LayingOut;
  progress_.parts_done = analysing ? analysis_done_ : layout_done_;
  progress_.parts_total = analysing ? kAnalysisParts : kLayoutParts;
  const unsigned done = std::min(analysis_done_ + layout_done_, kParts);
  // kParts + 1: the last step to 1 is the load finishing.
  progress_.fraction = kReadShare + (1 - kReadShare) * static_cast<double>(done) / (kParts + 1);
  publish(lock);
}

void AsyncLoad::publish(std::unique_lock<std::mutex>&) {
  if (observer_) observer_(progress_);
}

LoadProgress AsyncLoad::progress() const {
  std::lock_guard lock(m_);
  LoadProgress p = progress_;
  if (p.stage == OpenStage::Reading && bytes_total_ > 0) {
    // Capped: a file still growing since its size was taken reads longer.
    p.bytes_read = std::min(bytes_read_.load(std::memory_order_relaxed), bytes_total_);
    p.fraction = kReadShare * static_cast<double>(p.bytes_read) / static_cast<double>(bytes_total_);
  }
  shown_fraction_ = p.fraction = std::max(p.fraction, shown_fraction_);
  return p;
}

bool AsyncLoad::finished() const {
  std::lock_guard lock(m_);
  return finished_;
}

void AsyncLoad::wait() const {
  std::unique_lock lock(m_);
  cv_.wait(lock, [this] { return finished_; });
}

std::unique_ptr<Document> AsyncLoad::take() {
  std::lock_guard lock(m_);
  if (!finished_) return nullptr;
  if (error_) {
    std::rethrow_exception(error_);
  }
  return std::move(doc_);
}

}  // namespace weft::viewer
