/**
 * Rate limiting: GCRA buckets charged all-or-nothing per request ({@link io.tollgate.ratelimit.Gcra},
 * the reference arithmetic), decided in Redis ({@link io.tollgate.ratelimit.RedisRateLimiter}) or
 * in process for development ({@link io.tollgate.ratelimit.InMemoryRateLimiter}), and per instance
 * while Redis does not answer ({@link io.tollgate.ratelimit.FallbackRateLimiter}), served on the
 * event bus by {@link io.tollgate.ratelimit.RateLimitVerticle}; plus the client address that per-IP
 * buckets are keyed by ({@link io.tollgate.ratelimit.ClientAddressResolver}) and the response
 * headers a decision produces ({@link io.tollgate.ratelimit.RateLimitHeaders}).
 *
 * <p>Decisions are batched twice, because per-decision overhead, not the decision, dominated a
 * rate-limited poll: the requests an HTTP verticle makes within one event-loop turn travel as one
 * {@link io.tollgate.ratelimit.RateLimitBatch} ({@link io.tollgate.ratelimit.EventBusRateLimiter}),
 * and what reaches the verticle within one of its turns is decided by one
 * {@link io.tollgate.ratelimit.RateLimiter#acquireAll} call ({@code DecisionBatcher}), for Redis
 * one Lua script call ({@code GcraScript}) that decides the requests in order, each as
 * {@code Gcra.charge} would. Buckets Redis refused are refused locally until they could refill
 * ({@code DenyCache}), so a client that keeps polling while limited costs Redis nothing more.
 *
 * <p>Public face (14 of 20 types; everything else is package-private): {@link
 * io.tollgate.ratelimit.ClientAddressResolver}, {@link io.tollgate.ratelimit.FallbackRateLimiter}, {@link io.tollgate.ratelimit.EventBusRateLimiter},
 * {@link io.tollgate.ratelimit.InMemoryRateLimiter}, {@link io.tollgate.ratelimit.RateLimitBatch},
 * {@link io.tollgate.ratelimit.RateLimitBatchReply}, {@link io.tollgate.ratelimit.RateLimitBucket},
 * {@link io.tollgate.ratelimit.RateLimitDecision}, {@link io.tollgate.ratelimit.RateLimitHeaders},
 * {@link io.tollgate.ratelimit.RateLimitRequest}, {@link io.tollgate.ratelimit.RateLimitVerticle},
 * {@link io.tollgate.ratelimit.RateLimiter}, {@link
 * io.tollgate.ratelimit.RateLimiterUnavailableException}, {@link
 * io.tollgate.ratelimit.RedisRateLimiter}.
 */
package io.tollgate.ratelimit;
