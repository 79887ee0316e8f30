// JobInfo: what a run knows of the background job it runs for (absent when executed directly).
#pragma once

#include <optional>
#include <string>

namespace taskmill {

struct JobInfo {
  std::string jid;
  std::string queue;
  std::optional<int> retry_count;  // as in the payload: absent before the first failure
  bool final_attempt = false;      // a failure of this attempt sends the job to the dead set (or drops it)
  double enqueued_at = 0;          // epoch seconds
  double created_at = 0;           // epoch seconds
};

}  // namespace taskmill
