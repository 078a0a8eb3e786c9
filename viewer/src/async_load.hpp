// Opening a trace on a worker thread, so that the window shows at once and
// stays responsive while a large trace is read, analysed and laid out: the
// app polls progress() each frame for its progress bar and take()s the
// document (or the error) once finished().
//
// Progress, in three stages: reading (bytes read of the file's size),
// analysing (parts of the analysis done), laying out (parts of the layout
// done). Its fraction of the whole never goes back, and is 1 exactly when
// the load has finished, whether with a document or an error.
//
// Reading is counted by the reader's progress hook (format::LoadOptions::
// progress): the bytes of every chunk read, of every file of a run. The
// same hook stops the reading at the next chunk once cancelled, so that
// replacing a load under way (the app opening another trace) does not wait
// for a large file to be read to its end.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "document.hpp"

namespace weft::viewer {

struct LoadProgress {
  OpenStage stage = OpenStage::Reading;
  double fraction = 0;  // of the whole load, 0 to 1
  std::uint64_t bytes_read = 0, bytes_total = 0;  // the reading stage's
  unsigned parts_done = 0;                        // of the stage under way
  unsigned parts_total = 0;
  bool failed = false;  // finished with an error (Done, fraction 1)

  // "reading 40.1 of 90.0 MB", "analysing: 2 of 5 parts", "laying out: 1 of 2 parts", "done"
  std::string describe() const;
};

class AsyncLoad {
 public:
  // Called on a worker thread at each change the worker makes (a stage or
  // part finished, the end), in order; not for the bytes read, which
  // progress() reads when asked. Must not call back into this AsyncLoad
  // except cancel().
  using Observer = std::function<void(const LoadProgress&)>;

  // Starts loading `paths` (one trace, or several of one run: open_document).
  explicit AsyncLoad(std::vector<std::string> paths, Observer observer = {});
  // Cancels and waits for the worker (at most the chunk or part under way).
  ~AsyncLoad();
  AsyncLoad(const AsyncLoad&) = delete;
  AsyncLoad& operator=(const AsyncLoad&) = delete;

  const std::string& path() const { return paths_.front(); }
  LoadProgress progress() const;
  bool finished() const;
  void wait() const;  // until finished()
  // Asks the worker to stop; it finishes with open_cancelled as its error.
  void cancel() { cancel_.store(true); }
  // Once finished(): the document (the first call only; later calls, and
  // calls before finished(), give null), or rethrows the load's error: format::format_error (one line),
  // open_cancelled, or whatever else the load threw.
  std::unique_ptr<Document> take();

 private:
  void run();
  void part_done(OpenStage stage);
  void publish(std::unique_lock<std::mutex>& lock);

  std::vector<std::string> paths_;
  Observer observer_;
  std::uint64_t bytes_total_ = 0;
  std::atomic<std::uint64_t> bytes_read_{0};  // by the reader's progress hook

  mutable std::mutex m_;
  mutable std::condition_variable cv_;
  LoadProgress progress_;           // guarded by m_
  unsigned analysis_done_ = 0, layout_done_ = 0;  // parts, guarded by m_
  mutable double shown_fraction_ = 0;  // the most progress() has reported, guarded by m_
  bool finished_ = false;
  std::unique_ptr<Document> doc_;
  std::exception_ptr error_;
  std::atomic<bool> cancel_{false};
  std::thread worker_;  // last: starts once everything above exists
};

// Throws format::format_error (one line, as the load would) where a path
// names nothing or a file that is not a weft trace by its header: what can
// be told at once, before a window opens. Reads only the header, and only
// of regular files (a pipe is read once, by the load; a directory is a
// run's, which the load looks into).
void check_readable(const std::vector<std::string>& paths);

}  // namespace weft::viewer
