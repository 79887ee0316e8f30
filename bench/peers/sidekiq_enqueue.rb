# Times Sidekiq's enqueue of N no-op jobs: `ruby sidekiq_enqueue.rb N` (REDIS_URL set).
# Uses Sidekiq's bulk API, Worker.perform_bulk (push_bulk in batches of 1,000). Prints one JSON line.
require "json"
require_relative "sidekiq_worker"

n = Integer(ARGV.fetch(0))
args = Array.new(n) { [] }
Sidekiq.redis(&:ping) # connect before the clock starts
began = Process.clock_gettime(Process::CLOCK_MONOTONIC)
BenchNoop.perform_bulk(args)
seconds = Process.clock_gettime(Process::CLOCK_MONOTONIC) - began
puts JSON.generate({ "seconds" => seconds, "how" => "bulk: perform_bulk" })
