package io.tollgate.chain;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * JSON-RPC traffic per provider and method: {@code tollgate_rpc_calls_total{chain, provider,
 * method}} (each call of a batch, failover retries included) and {@code tollgate_rpc_errors_total
 * {chain, provider, method, kind}}, where kind is {@code unavailable} (no usable answer: network,
 * timeout, HTTP 429/5xx, a body that is not the answer; the call failed over) or {@code rpc_error}
 * (the node answered with a JSON-RPC error object, e.g. a reverted {@code eth_call}, which is
 * sometimes the expected answer). A throttled, unserved or stale answer that failed over counts as
 * {@code unavailable}. The provider label is the URL's scheme, host and port, the same value as in
 * the per-provider health counters {@code tollgate_chain_provider_*} (HTTP requests, failures,
 * faults, stale heads): provider URLs often carry an API key in the path or query, which never
 * becomes a label.
 */
public final class RpcMetrics {
  /** Counts nothing. */
  public static final RpcMetrics NONE = new RpcMetrics(new CompositeMeterRegistry());

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  public RpcMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void sent(long chainId, String provider, Map<String, Integer> methods) {
    methods.forEach((method, n) -> counter("tollgate.rpc.calls", chainId, provider, method, null).increment(n));
  }

  void failed(long chainId, String provider, Map<String, Integer> methods, String kind) {
    methods.forEach((method, n) -> counter("tollgate.rpc.errors", chainId, provider, method, kind).increment(n));
  }

  private Counter counter(String name, long chainId, String provider, String method, String kind) {
    String key = name + '|' + chainId + '|' + provider + '|' + method + '|' + kind;
    Counter counter = counters.get(key);
    if (counter != null) return counter;
    return counters.computeIfAbsent(key, k -> {
      Counter.Builder builder = Counter.builder(name)
          .description(kind == null ? "JSON-RPC calls sent, per chain, provider (host) and method"
              : "JSON-RPC calls that failed, per chain, provider (host), method and kind (unavailable, rpc_error)")
          .tag("chain", Long.toString(chainId)).tag("provider", provider).tag("method", method);
      if (kind != null) builder.tag("kind", kind);
      return builder.register(registry);
    });
  }
}
