// The run log line: JSON fields, line format, levels, a file sink.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "taskmill/core/config.hpp"
#include "taskmill/core/define_task.hpp"
#include "taskmill/core/executor.hpp"
#include "taskmill/core/run_log.hpp"

using namespace taskmill;

namespace {

struct Logged : Task {
  void work() override {
    if (attribute("fail").as_bool()) fail("went wrong", {{"code", Value(7)}});
  }
};

TaskSpecPtr logged_spec() {
  static TaskSpecPtr spec = define_task<Logged>("log.Logged", {Attribute::optional_attr("fail", Type::boolean(), Value(false))});
  return spec;
}

std::vector<std::string> read_lines(const std::string& path) {
  Config::global().flush_log();
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

class RunLog : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() / ("taskmill-log-" + std::to_string(::getpid()) + ".log")).string();
    std::filesystem::remove(path_);
  }
  void TearDown() override {
    Config::global().set_log({});
    std::filesystem::remove(path_);
  }
  std::string path_;
};

}  // namespace

TEST_F(RunLog, JsonLineHasTheSpecFields) {
  Config::global().set_log({LogFormat::Json, LogLevel::Info, path_});
  RunRequest r;
  r.kwargs = {{"fail", Value(true)}};
  auto result = Executor::run(logged_spec(), std::move(r));
  auto lines = read_lines(path_);
  ASSERT_EQ(lines.size(), 1u);
  auto j = nlohmann::json::parse(lines[0]);
  for (const char* key : {"timestamp", "level", "pid", "index", "chain_id", "task", "task_id", "state", "status",
                          "reason", "metadata", "runtime_ms"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["level"], "error");
  EXPECT_EQ(j["task"], "log.Logged");
  EXPECT_EQ(j["task_id"], result->task_id.str());
  EXPECT_EQ(j["status"], "failed");
  EXPECT_EQ(j["reason"], "went wrong");
  EXPECT_EQ(j["metadata"]["code"], 7);
  EXPECT_EQ(j["pid"], ::getpid());
  EXPECT_FALSE(j.contains("jid"));
}

TEST_F(RunLog, JobFieldsAppearForJobs) {
  auto result = Executor::run(logged_spec(), {});
  JobInfo job{"abc123", "critical", 2, false, 1.5, 1.0};
  auto j = nlohmann::json::parse(format_run_line(*result, &job, LogFormat::Json));
  EXPECT_EQ(j["jid"], "abc123");
  EXPECT_EQ(j["queue"], "critical");
  EXPECT_EQ(j["retry_count"], 2);
}

TEST_F(RunLog, LevelFiltersAndOffSilences) {
  Config::global().set_log({LogFormat::Json, LogLevel::Error, path_});
  Executor::run(logged_spec(), {});  // success logs at info: filtered
  EXPECT_TRUE(read_lines(path_).empty());
  Config::global().set_log({LogFormat::Json, LogLevel::Off, path_});
  RunRequest r;
  r.kwargs = {{"fail", Value(true)}};
  Executor::run(logged_spec(), std::move(r));
  EXPECT_TRUE(read_lines(path_).empty());
}

TEST_F(RunLog, LineFormatIsKeyValue) {
  auto result = Executor::run(logged_spec(), {});
  const std::string line = format_run_line(*result, nullptr, LogFormat::Line);
  EXPECT_NE(line.find("task=log.Logged"), std::string::npos);
  EXPECT_NE(line.find("status=success"), std::string::npos);
  EXPECT_NE(line.front(), '{');
}

TEST(RunLogSettings, BadNamesAreRejected) {
  EXPECT_THROW(parse_log_level("loud"), std::invalid_argument);
  EXPECT_THROW(parse_log_format("xml"), std::invalid_argument);
  EXPECT_EQ(parse_log_level("warning"), LogLevel::Warn);
}

// The line is written by hand (not through a JSON document): whatever bytes a reason holds, the
// line must stay valid JSON, with invalid UTF-8 replaced by U+FFFD.
TEST_F(RunLog, AnyReasonBytesGiveValidJson) {
  auto result = Executor::run(logged_spec(), {});
  const std::string fffd = "\xEF\xBF\xBD";
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"plain", "plain"},
      {"quote \" backslash \\ tab \t newline \n return \r", "quote \" backslash \\ tab \t newline \n return \r"},
      {std::string("ctl \x01\x1f \b\f", 8), std::string("ctl \x01\x1f \b\f", 8)},
      {"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"},
      {"bad \xFF byte", "bad " + fffd + " byte"},
      {"cut \xE2\x82", "cut " + fffd + fffd},
      {"overlong \xC0\xAF", "overlong " + fffd + fffd},
      {"surrogate \xED\xA0\x80", "surrogate " + fffd + fffd + fffd},
      {"too high \xF4\x90\x80\x80", "too high " + fffd + fffd + fffd + fffd},
  };
  for (const auto& [reason, expected] : rows) {
    Result r = *result;
    r.reason = reason;
    const std::string line = format_run_line(r, nullptr, LogFormat::Json);
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(line)) << line;
    EXPECT_EQ(j["reason"], expected) << line;
  }
}

TEST_F(RunLog, NumbersAndNullsAreJson) {
  auto result = Executor::run(logged_spec(), {});
  Result r = *result;
  r.runtime_ms = 2.0;
  r.retries = 3;
  JobInfo job{"j1", "default", std::nullopt, false, 1.5, 1.0};
  const std::string line = format_run_line(r, &job, LogFormat::Json);
  EXPECT_NE(line.find("\"runtime_ms\":2.0"), std::string::npos) << line;
  EXPECT_NE(line.find("\"reason\":null"), std::string::npos) << line;
  EXPECT_NE(line.find("\"metadata\":{}"), std::string::npos) << line;
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["retries"], 3);
  EXPECT_TRUE(j["retry_count"].is_null());
  EXPECT_EQ(j["index"], 0);
  r.runtime_ms = 0.1;
  EXPECT_EQ(nlohmann::json::parse(format_run_line(r, nullptr, LogFormat::Json))["runtime_ms"].get<double>(), 0.1);
}

TEST_F(RunLog, LineFormatQuotesOnlyWhatIsAmbiguous) {
  auto result = Executor::run(logged_spec(), {});
  Result r = *result;
  r.reason = "two words";
  std::string line = format_run_line(r, nullptr, LogFormat::Line);
  EXPECT_NE(line.find("reason=\"two words\""), std::string::npos) << line;
  EXPECT_NE(line.find("state=complete"), std::string::npos) << line;
  EXPECT_NE(line.find("metadata={}"), std::string::npos) << line;
  r.reason = "one";
  line = format_run_line(r, nullptr, LogFormat::Line);
  EXPECT_NE(line.find("reason=one metadata="), std::string::npos) << line;
  r.reason = "";
  line = format_run_line(r, nullptr, LogFormat::Line);
  EXPECT_NE(line.find("reason=null"), std::string::npos) << line;
}
