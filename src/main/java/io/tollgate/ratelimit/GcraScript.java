package io.tollgate.ratelimit;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The Lua script that decides a whole batch of rate-limit requests in one Redis call, and the
 * encoding of a batch into its {@code EVALSHA} and of its reply back into outcomes per bucket.
 *
 * <p>Why a batch: a script call costs Redis far more in fixed overhead (parsing, dispatch, entering
 * Lua, the reply) than the few {@code GET}/{@code SET}s of one request, and in the load test Redis
 * shared two cores with the service and the generator. One call per event-loop turn of
 * {@link RateLimitVerticle} instead of one per request is what made rate limiting affordable.
 *
 * <p>The script is the transcription of {@link Gcra}: {@link Gcra#charge} for each request in turn,
 * with {@link Gcra#check} per bucket. It reads {@code TIME} once for the batch, reads each key at
 * most once and writes each charged key once, with its final TAT. Keep it and {@link Gcra} in step.
 */
final class GcraScript {
  private GcraScript() {}

  static final String SOURCE = """
      -- A batch of rate-limit requests, decided in order as Gcra.charge does each (see Gcra.java).
      -- ARGV, per request: its bucket count n, then n pairs (limit, period in microseconds).
      -- KEYS: every request's bucket keys, in the same order; a key may appear any number of times.
      -- Returns three integers per bucket, in KEYS order: retry-after us (0 = allowed), remaining,
      -- reset us. A request is allowed when all its buckets are; only allowed requests charge.
      local time = redis.call('TIME')
      local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
      local tats = {}     -- key -> TAT as the batch has left it so far (GET once, then kept here)
      local charged = {}  -- keys an allowed request charged: SET once, at the end
      local result = {}
      local k = 0         -- buckets of earlier requests (offset into KEYS and into the result)
      local a = 1         -- position of the next request's count in ARGV
      while a <= #ARGV do
        local n = tonumber(ARGV[a])
        local pending = {}
        local allowed = true
        for i = 1, n do
          local key = KEYS[k + i]
          local limit = tonumber(ARGV[a + 2 * i - 1])
          local interval = math.floor(tonumber(ARGV[a + 2 * i]) / limit)
          local capacity = interval * limit
          -- a key named twice in a request sees its own earlier charge, a later request the
          -- charges of the allowed requests before it
          local tat = pending[key] or tats[key]
          if tat == nil then
            tat = tonumber(redis.call('GET', key)) or now
            tats[key] = tat
          end
          if tat < now then tat = now end
          local new_tat = tat + interval
          local allow_at = new_tat - capacity
          local r = 3 * (k + i)
          if now < allow_at then
            allowed = false
            result[r - 2] = allow_at - now
            result[r - 1] = 0
            result[r] = tat - now
          else
            pending[key] = new_tat
            result[r - 2] = 0
            result[r - 1] = math.floor((capacity - (new_tat - now)) / interval)
            result[r] = new_tat - now
          end
        end
        if allowed then
          for key, tat in pairs(pending) do
            tats[key] = tat
            charged[key] = true
          end
        end
        k = k + n
        a = a + 1 + 2 * n
      end
      for key in pairs(charged) do
        local tat = tats[key]
        redis.call('SET', key, string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000))
      end
      return result
      """;

  /** {@code EVALSHA} of the script for {@code requests}, each bucket key behind {@code keyPrefix}. */
  static Request evalsha(String sha, String keyPrefix, List<RateLimitRequest> requests) {
    int keys = 0;
    for (RateLimitRequest request : requests) keys += request.buckets().size();
    Request evalsha = Request.cmd(Command.EVALSHA).arg(sha).arg(keys);
    for (RateLimitRequest request : requests) {
      for (RateLimitBucket bucket : request.buckets()) evalsha.arg(keyPrefix + bucket.key());
    }
    for (RateLimitRequest request : requests) {
      evalsha.arg(request.buckets().size());
      for (RateLimitBucket bucket : request.buckets()) evalsha.arg(bucket.limit()).arg(Gcra.periodMicros(bucket));
    }
    return evalsha;
  }

  /**
   * The reply split back into each request's outcomes, one per bucket in order. Outcomes read from
   * the script carry no {@code newTat} (0): Redis keeps the TATs.
   *
   * @throws IllegalStateException if the reply does not have three integers per bucket
   */
  static List<List<Gcra.Outcome>> outcomes(List<RateLimitRequest> requests, Response reply) {
    int buckets = 0;
    for (RateLimitRequest request : requests) buckets += request.buckets().size();
    if (reply == null || reply.size() != 3 * buckets) {
      throw new IllegalStateException("unexpected script reply for " + buckets + " buckets: " + reply);
    }
    List<List<Gcra.Outcome>> all = new ArrayList<>(requests.size());
    int r = 0;
    for (RateLimitRequest request : requests) {
      List<Gcra.Outcome> outcomes = new ArrayList<>(request.buckets().size());
      for (RateLimitBucket bucket : request.buckets()) {
        outcomes.add(new Gcra.Outcome(bucket.limit(), reply.get(r).toLong(), reply.get(r + 1).toInteger(),
            reply.get(r + 2).toLong(), 0));
        r += 3;
      }
      all.add(outcomes);
    }
    return all;
  }
}
