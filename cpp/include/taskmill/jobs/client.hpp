// Client: enqueueing — the first step of a job's way (client → backend.push → fetch → processor).
// Builds and checks the payload (jobs/payload), then hands it to a backend. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "taskmill/backends/backend.hpp"
#include "taskmill/jobs/payload.hpp"

namespace taskmill::jobs {

class Client {
 public:
  explicit Client(backends::BackendPtr backend = backends::default_backend()) : backend_(std::move(backend)) {}

  // Each throws ArgumentError for arguments that do not bind or are not JSON-native.
  std::string perform_async(const TaskSpec& spec, std::vector<Value> args, Value::Dict kwargs = {},
                            const JobOptions& options = {}) const;
  // At `at` epoch seconds; a time not in the future enqueues now.
  std::string perform_at(double at, const TaskSpec& spec, std::vector<Value> args, Value::Dict kwargs = {},
                         const JobOptions& options = {}) const;
  std::string perform_in(double seconds, const TaskSpec& spec, std::vector<Value> args, Value::Dict kwargs = {},
                         const JobOptions& options = {}) const;
  // One job per argument list, pushed together.
  std::vector<std::string> perform_bulk(const TaskSpec& spec, const std::vector<std::vector<Value>>& args_list,
                                        const JobOptions& options = {}) const;
  // A raw payload (completed by complete_payload); an `at` field schedules it.
  std::string push(Payload raw) const;

  const backends::BackendPtr& backend() const { return backend_; }

 private:
  Payload prepare(const TaskSpec& spec, std::vector<Value> args, Value::Dict kwargs, const JobOptions& options,
                  double now) const;
  backends::BackendPtr backend_;
};

}  // namespace taskmill::jobs
