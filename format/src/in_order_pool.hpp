// Runs numbered pieces of work on several threads, with the errors of a
// one-thread loop: the exception that comes out is the one the lowest
// failing piece threw, exactly as if the pieces had run one after another
// and stopped at the first failure.
#pragma once

#include <cstddef>
#include <functional>

namespace weft::format {

// Runs work(i, worker) for i in [0, n) on up to `threads` threads (the
// calling one included; worker in [0, threads) says which, for per-worker
// state). Pieces are taken in increasing order. If some throw, every piece
// before the lowest failing one has run, pieces after it may not have, and
// that lowest piece's exception is rethrown once all threads have stopped.
void run_in_order(std::size_t n, unsigned threads, const std::function<void(std::size_t i, unsigned worker)>& work);

}  // namespace weft::format
