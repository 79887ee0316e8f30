// jobs::Job: a payload taken apart for a queue and put back together, key for key.
#include <gtest/gtest.h>

#include "taskmill/backends/memory_backend.hpp"
#include "taskmill/jobs/job.hpp"

using namespace taskmill;
using namespace taskmill::jobs;

namespace {

Payload built() {
  return Payload{{"class", "billing.ChargeCustomerAccount"},  // longer than a short-string buffer
                 {"args", {42, "EUR", {{"note", "x"}}}},
                 {"jid", "0123456789abcdef01234567"},
                 {"queue", "critical"},
                 {"retry", 3},
                 {"created_at", 1733300000.25}};
}

}  // namespace

TEST(Job, RoundTripsEveryShapeOfPayloadKeyForKey) {
  Payload with_extras = built();
  with_extras["tags"] = {"a", "b"};
  with_extras["correlation_id"] = "c-1";
  with_extras["retry_count"] = 2;
  with_extras["error_message"] = "boom";
  with_extras["enqueued_at"] = 1733300001.5;
  Payload odd_types = built();
  odd_types["created_at"] = 1733300000250;  // milliseconds, as an integer: kept as it came
  odd_types["retry"] = nullptr;
  odd_types["enqueued_at"] = "yesterday";
  Payload minimal = {{"class", "A"}, {"args", Payload::array()}, {"jid", "j"}};
  Payload retry_forms = Payload::parse(R"({"class": "A", "args": [1], "jid": "j", "retry": 18446744073709551615})");
  Payload parsed = Payload::parse(built().dump());  // integers parsed from text are unsigned
  Payload no_retry = built();
  no_retry["retry"] = false;
  const std::vector<Payload> payloads = {built(),      with_extras,           odd_types, minimal,
                                         retry_forms,  parsed,                no_retry,
                                         "not a job",  Payload::array(),      Payload(),
                                         {{"args", Payload::array()}, {"jid", "x"}, {"queue", "low"}}};
  for (const Payload& p : payloads) {
    EXPECT_EQ(Job::from_payload(p).to_payload(), p) << p.dump();
    EXPECT_EQ(Job::from_payload(p).to_payload().dump(), p.dump());  // the same text on the wire
  }
}

TEST(Job, ReadsTheFieldsAWorkerNeeds) {
  Payload p = built();
  p["retry_count"] = 2;
  p["correlation_id"] = "c-1";
  const Job job = Job::from_payload(p);
  EXPECT_FALSE(job.malformed());
  EXPECT_EQ(job.malformed_reason(), "");
  EXPECT_EQ(job.task_name(), "billing.ChargeCustomerAccount");
  EXPECT_EQ(job.jid(), "0123456789abcdef01234567");
  EXPECT_EQ(job.queue(), "critical");
  ASSERT_NE(job.args(), nullptr);
  EXPECT_EQ(*job.args(), p["args"]);
  ASSERT_TRUE(job.retry().has_value());
  EXPECT_EQ(*job.retry(), 3);
  ASSERT_NE(job.find("correlation_id"), nullptr);
  EXPECT_EQ(*job.find("correlation_id"), "c-1");
  EXPECT_EQ(job.find("class"), nullptr);  // a field, not one of the other keys
  EXPECT_EQ(job.created_at(), 1733300000.25);
  EXPECT_EQ(job.enqueued_at(), std::nullopt);

  const JobInfo info = job.info();
  EXPECT_EQ(info.jid, "0123456789abcdef01234567");
  EXPECT_EQ(info.queue, "critical");
  EXPECT_EQ(info.retry_count, 2);
  EXPECT_EQ(info.created_at, 1733300000.25);
  EXPECT_TRUE(info.final_attempt);  // retry 3, and this is the fourth attempt (retry_count 2 + 1)
}

TEST(Job, DefaultsAndOddTypesReadAsTheRetryPolicyReadsThem) {
  Payload p = {{"class", "A"}, {"args", Payload::array()}, {"jid", "j"}, {"created_at", 1733300000250}};
  const Job job = Job::from_payload(p);
  EXPECT_EQ(job.queue(), "default");
  EXPECT_EQ(job.args(), nullptr);   // empty
  EXPECT_FALSE(job.retry().has_value());  // absent: the default retries
  EXPECT_EQ(job.created_at(), 1733300000.25);  // an integer above 1e11 is milliseconds
  EXPECT_FALSE(job.info().final_attempt);
  EXPECT_FALSE(job.info().retry_count.has_value());
  p["retry"] = false;
  EXPECT_TRUE(Job::from_payload(p).info().final_attempt);
}

TEST(Job, AMalformedPayloadIsKeptWholeWithTheReason) {
  const Payload p = {{"args", Payload::array()}, {"jid", "x"}, {"queue", "low"}};
  Job job = Job::from_payload(p);
  EXPECT_TRUE(job.malformed());
  EXPECT_NE(job.malformed_reason().find("class"), std::string::npos);
  EXPECT_EQ(job.task_name(), "");
  EXPECT_EQ(job.queue(), "low");  // still queued where it says
  job.set_enqueued_at(5.5);
  Payload expected = p;
  expected["enqueued_at"] = 5.5;
  EXPECT_EQ(job.to_payload(), expected);

  Job text = Job::from_payload("not a job");
  text.set_enqueued_at(5.5);  // nowhere to put it: left as it came
  EXPECT_EQ(text.to_payload(), "not a job");
  EXPECT_EQ(text.queue(), "default");
}

TEST(Job, EnqueuedAtIsStampedAsAFloatReplacingAnyOtherForm) {
  Payload p = built();
  p["enqueued_at"] = 1733300000250;
  Job job = Job::from_payload(p);
  EXPECT_EQ(job.enqueued_at(), 1733300000.25);
  job.set_enqueued_at(1733300009.5);
  EXPECT_EQ(job.enqueued_at(), 1733300009.5);
  const Payload out = job.to_payload();
  EXPECT_TRUE(out["enqueued_at"].is_number_float());
  EXPECT_EQ(out["enqueued_at"], 1733300009.5);
}

TEST(Job, TheMemoryBackendHandsBackThePayloadItWasGiven) {
  backends::MemoryBackend backend;
  Payload p = built();
  p["tags"] = {"t"};
  backend.push(p);
  const std::string queue = "critical";
  auto leases = backend.fetch(std::span<const std::string>(&queue, 1), 1, std::chrono::milliseconds(0));
  ASSERT_EQ(leases.size(), 1u);
  Payload out = leases[0].job.to_payload();
  ASSERT_TRUE(out["enqueued_at"].is_number_float());
  out.erase("enqueued_at");
  EXPECT_EQ(out, p);
}

TEST(Job, NamesTooLongToKeepInlineReadTheSame) {
  Payload p = built();
  p["class"] = "billing.invoices.monthly.SendTheMonthlyInvoiceToEveryCustomer";
  p["queue"] = "billing-low-priority";
  p["tags"] = {"monthly"};
  Job job = Job::from_payload(p);
  EXPECT_EQ(job.task_name(), "billing.invoices.monthly.SendTheMonthlyInvoiceToEveryCustomer");
  EXPECT_EQ(job.jid(), "0123456789abcdef01234567");
  EXPECT_EQ(job.queue(), "billing-low-priority");
  const Job copy = job;  // copies and moves keep the text, the args and the other keys
  Job moved = std::move(job);
  EXPECT_EQ(copy.to_payload(), p);
  EXPECT_EQ(moved.to_payload(), p);
  EXPECT_EQ(Job(copy).info().queue, "billing-low-priority");
}
