// JobInfo: what a run knows of the background job it runs for (absent when executed directly).
//
// Read from the job as the run starts, for the run only: jid and queue are views of the job the
// worker holds while the run lasts. Copy them to keep them longer. (Views, because a copy would
// allocate for every job, and most runs never read them.)
#pragma once

#include <optional>
#include <string_view>

namespace taskmill {

struct JobInfo {
  std::string_view jid;
  std::string_view queue;
  std::optional<int> retry_count;  // as in the payload: absent before the first failure
  bool final_attempt = false;      // a failure of this attempt sends the job to the dead set (or drops it)
  double enqueued_at = 0;          // epoch seconds
  double created_at = 0;           // epoch seconds
};

}  // namespace taskmill
