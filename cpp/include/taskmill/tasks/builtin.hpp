// The C++ tasks shipped with taskmill, for demos, tests and benchmarks:
//   taskmill.Noop   — no inputs, does nothing.
//   taskmill.Sleep  — `seconds: float` (≥ 0); sleeps, waking early when the run is asked to stop.
#pragma once

namespace taskmill {

class Registry;

void register_builtin_tasks(Registry& registry);

}  // namespace taskmill
