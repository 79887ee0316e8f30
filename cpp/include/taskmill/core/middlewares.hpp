// The built-in middlewares: Correlate, Runtime and Timeout. Each returns a core Middleware, so a
// C++ task lists them in its spec and the Python package wraps the very same objects.
#pragma once

#include <string>

#include "taskmill/core/callback.hpp"

namespace taskmill {

class Run;

namespace middlewares {

// Puts metadata["correlation_id"] on the run: the enclosing run's, else a "correlation_id" string
// in the run's context (how a job brings its enqueuer's id), else a new UUIDv7. Nested runs take
// it on; the jobs layer reads correlation_id(run) when a run enqueues a job.
Middleware correlate();

// Records metadata["runtime"] (milliseconds, float), ["started_at"] and ["ended_at"] (ISO 8601
// UTC) around the rest of the run.
Middleware runtime();

// Fails the run with "[TimeoutError] execution exceeded N seconds" when it takes longer than
// `seconds`. At the deadline it sets the run's stop flag (a C++ task polls stop_requested()) and
// calls the task's interrupter (a Python task's work gets TimeoutError raised in its thread).
// Throws std::invalid_argument unless seconds is finite and > 0.
Middleware timeout(double seconds);

// The correlation id of `run` or of the closest enclosing run that has one; empty when none.
std::string correlation_id(const Run& run);

}  // namespace middlewares
}  // namespace taskmill
