#include "taskmill/tasks/builtin.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "taskmill/core/define_task.hpp"

namespace taskmill {

namespace {

class Noop final : public Task {
 public:
  void work() override {}
};

class Sleep final : public Task {
 public:
  void work() override {
    const double seconds = attribute("seconds").as_float();
    // Sleep in short slices so a Timeout or a shutdown can stop the task cooperatively.
    using Clock = std::chrono::steady_clock;
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    for (auto now = Clock::now(); now < until; now = Clock::now()) {
      if (stop_requested()) fail("stopped before the sleep ended");
      const Clock::duration slice = std::chrono::milliseconds(5);
      std::this_thread::sleep_for(std::min(until - now, slice));
    }
  }
};

}  // namespace

void register_builtin_tasks(Registry& registry) {
  registry.add(std::make_shared<const TaskSpec>(make_spec<Noop>("taskmill.Noop")));
  registry.add(std::make_shared<const TaskSpec>(
      make_spec<Sleep>("taskmill.Sleep", {Attribute::required_attr("seconds", Type::floating()).validate("numeric", Value::Dict{{"min", Value(0)}})})));
}

}  // namespace taskmill
