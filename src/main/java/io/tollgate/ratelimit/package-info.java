/**
 * Rate limiting: GCRA buckets charged all-or-nothing per request, decided in Redis by one Lua
 * script ({@link io.tollgate.ratelimit.RedisRateLimiter}) or in process for development
 * ({@link io.tollgate.ratelimit.InMemoryRateLimiter}), served on the event bus by
 * {@link io.tollgate.ratelimit.RateLimitVerticle}; plus the client address that per-IP buckets are
 * keyed by ({@link io.tollgate.ratelimit.ClientAddressResolver}) and the response headers a
 * decision produces ({@link io.tollgate.ratelimit.RateLimitHeaders}).
 */
package io.tollgate.ratelimit;
