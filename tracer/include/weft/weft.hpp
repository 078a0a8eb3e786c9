// weft: record every thread, lock and condition operation of a program into
// a trace that `weft check` analyses and `weft view` replays.
//
//   #include <weft/weft.hpp>   and link weft::tracer
#pragma once

#include "weft/annotate.hpp"
#include "weft/barrier.hpp"
#include "weft/condition_variable.hpp"
#include "weft/condition_variable_any.hpp"
#include "weft/event.hpp"
#include "weft/future.hpp"
#include "weft/lock_guards.hpp"
#include "weft/mutex.hpp"
#include "weft/pipe.hpp"
#include "weft/process.hpp"
#include "weft/process_pool.hpp"
#include "weft/process_queue.hpp"
#include "weft/process_sync.hpp"
#include "weft/queue.hpp"
#include "weft/semaphore.hpp"
#include "weft/shared.hpp"
#include "weft/shared_memory.hpp"
#include "weft/shared_mutex.hpp"
#include "weft/site.hpp"
#include "weft/sleep.hpp"
#include "weft/stop.hpp"
#include "weft/thread.hpp"
#include "weft/thread_pool.hpp"
#include "weft/timer.hpp"
#include "weft/tracing.hpp"
#include "weft/version.hpp"
