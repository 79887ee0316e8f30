# Sidekiq's no-op job for bench/redis_peers.py: `sidekiq -r ./sidekiq_worker.rb -c 10`.
# Redis comes from REDIS_URL (Sidekiq's own convention).
require "sidekiq"

class BenchNoop
  include Sidekiq::Worker

  def perform; end
end
