package io.tollgate.chain;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EthRpc} over HTTP with Vert.x's non-blocking client.
 *
 * <p>Failover: an attempt fails over to the next endpoint on a network error, a timeout, HTTP 429
 * or 5xx, a body that is not the JSON-RPC answer to what was sent, a JSON-RPC error that is the
 * provider's fault inside an HTTP 200 ({@link ProviderFaults}: rate limits, internal errors,
 * "header not found"; for a batch, any such error in it), or a head well below the highest one a
 * provider answered (a provider stuck on an old head). Other JSON-RPC errors are answers, returned
 * as they are; so is a faulty answer when no endpoint is left. An endpoint that failed is tried last for
 * {@link Options#endpointCooldown()}, so one dead provider does not cost every request a timeout.
 *
 * <p>Batches larger than {@link Options#maxBatchSize()} are split into chunks sent concurrently,
 * because providers cap batch sizes (commonly 100 to 1,000 calls) and answer bigger ones with one
 * error for the whole batch.
 *
 * <p>Each URL's HTTP exchange, counters and cooldown are an {@link RpcEndpoint}. Over 300 lines
 * because batching, chunking, failover and the judging of answers (faults, stale heads, receipts
 * from an orphaned fork) share one request path; split further, each part would need the others'
 * insides.
 */
public final class JsonRpcClient implements EthRpc, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JsonRpcClient.class);

  /**
   * @param requestTimeout bound on one HTTP attempt (connect + response); failover may take several
   * @param maxBatchSize most calls per HTTP request
   * @param endpointCooldown how long a failed endpoint is tried only after the healthy ones
   * @param maxConnectionsPerEndpoint HTTP/1.1 connection pool size per endpoint
   */
  public record Options(
      Duration requestTimeout, int maxBatchSize, Duration endpointCooldown, int maxConnectionsPerEndpoint) {
    public Options {
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      Objects.requireNonNull(endpointCooldown, "endpointCooldown");
      if (requestTimeout.isZero() || requestTimeout.isNegative()) throw new IllegalArgumentException("requestTimeout must be positive");
      if (maxBatchSize < 1) throw new IllegalArgumentException("maxBatchSize must be at least 1");
      if (maxConnectionsPerEndpoint < 1) throw new IllegalArgumentException("maxConnectionsPerEndpoint must be at least 1");
    }

    public static Options defaults() {
      return new Options(Duration.ofSeconds(5), ChainConfig.DEFAULT_RPC_MAX_BATCH, Duration.ofSeconds(30), 8);
    }

    /** The defaults with a chain's own settings ({@code chain.<id>.rpc-max-batch}). */
    public static Options of(ChainConfig chain) {
      Options d = defaults();
      return new Options(d.requestTimeout(), chain.rpcMaxBatch(), d.endpointCooldown(), d.maxConnectionsPerEndpoint());
    }
  }

  private final HttpClient http;
  /** Where a call from a thread of no Vert.x context is moved to (see {@link #exchange}); null with a shared client. */
  private final Vertx vertx;
  private final boolean ownsHttpClient;
  private final long chainId;
  private final List<RpcEndpoint> endpoints;
  private final Options options;
  private final LongSupplier nanoClock;
  private final AtomicLong ids = new AtomicLong();
  private final LongAdder callsSent = new LongAdder();
  private final LongAdder httpRequests = new LongAdder();
  private final RpcMetrics metrics;
  /** The highest head any provider of this chain answered, or -1 (reset when all of them go back). */
  private final AtomicLong highestHead = new AtomicLong(-1);

  /** Creates its own HTTP client on {@code vertx}; {@link #close()} closes it. */
  public JsonRpcClient(Vertx vertx, long chainId, List<String> urls, Options options) {
    this(vertx, chainId, urls, options, RpcMetrics.NONE);
  }

  /** As above, counting its calls and errors in {@code metrics}. */
  public JsonRpcClient(Vertx vertx, long chainId, List<String> urls, Options options, RpcMetrics metrics) {
    this(vertx, vertx.httpClientBuilder()
            .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true))
            .with(new PoolOptions().setHttp1MaxSize(options.maxConnectionsPerEndpoint()))
            .build(),
        true, chainId, urls, options, System::nanoTime, metrics);
  }

  /** Uses a shared HTTP client, which {@link #close()} leaves open. */
  public JsonRpcClient(HttpClient http, long chainId, List<String> urls, Options options) {
    this(http, false, chainId, urls, options, System::nanoTime);
  }

  JsonRpcClient(HttpClient http, boolean ownsHttpClient, long chainId, List<String> urls, Options options,
      LongSupplier nanoClock) {
    this(http, ownsHttpClient, chainId, urls, options, nanoClock, RpcMetrics.NONE);
  }

  JsonRpcClient(HttpClient http, boolean ownsHttpClient, long chainId, List<String> urls, Options options,
      LongSupplier nanoClock, RpcMetrics metrics) {
    this(null, http, ownsHttpClient, chainId, urls, options, nanoClock, metrics);
  }

  private JsonRpcClient(Vertx vertx, HttpClient http, boolean ownsHttpClient, long chainId, List<String> urls, Options options,
      LongSupplier nanoClock, RpcMetrics metrics) {
    this.vertx = vertx;
    this.metrics = metrics;
    if (urls.isEmpty()) throw new IllegalArgumentException("chain " + chainId + " has no RPC URL");
    this.http = http;
    this.ownsHttpClient = ownsHttpClient;
    this.chainId = chainId;
    this.options = options;
    this.nanoClock = nanoClock;
    this.endpoints = urls.stream().map(url -> new RpcEndpoint(url, chainId, options.endpointCooldown(), nanoClock)).toList();
  }

  @Override
  public long chainId() { return chainId; }

  /** JSON-RPC calls put on the wire, each call of a batch counted, failover retries included. */
  public long callsSent() { return callsSent.sum(); }

  /** HTTP requests made, failover retries included. */
  public long httpRequests() { return httpRequests.sum(); }

  @Override
  public Future<Object> call(String method, JsonArray params) {
    long id = ids.incrementAndGet();
    Buffer body = envelope(id, new RpcRequest(method, params)).toBuffer();
    boolean headCall = "eth_blockNumber".equals(method);
    return post(body, Map.of(method, 1), answer -> answer.isError() ? Map.of(method, 1) : Map.of(), parsed -> {
      if (!(parsed instanceof JsonObject response) || !idMatches(response, id)) {
        throw new MalformedResponseException("not the answer to call " + id);
      }
      return toResponse(response);
    }, answer -> fault(method, answer) != null ? fault(method, answer) : headCall ? staleHead(answer) : null,
        (endpoint, answer) -> observe(endpoint, method, params, answer))
        .compose(answer -> answer.isError() ? Future.failedFuture(answer.error()) : Future.succeededFuture(answer.result()));
  }

  @Override
  public Future<List<RpcResponse>> batch(List<RpcRequest> requests) {
    if (requests.isEmpty()) return Future.succeededFuture(List.of());
    List<Future<List<RpcResponse>>> chunks = new ArrayList<>();
    for (int from = 0; from < requests.size(); from += options.maxBatchSize()) {
      chunks.add(sendChunk(requests.subList(from, Math.min(requests.size(), from + options.maxBatchSize()))));
    }
    return Future.all(chunks).map(done -> {
      List<RpcResponse> all = new ArrayList<>(requests.size());
      for (Future<List<RpcResponse>> chunk : chunks) all.addAll(chunk.result());
      return all;
    });
  }

  private Future<List<RpcResponse>> sendChunk(List<RpcRequest> chunk) {
    long firstId = ids.getAndAdd(chunk.size()) + 1;
    JsonArray body = new JsonArray();
    Map<String, Integer> methods = new HashMap<>();
    for (int i = 0; i < chunk.size(); i++) {
      body.add(envelope(firstId + i, chunk.get(i)));
      methods.merge(chunk.get(i).method(), 1, Integer::sum);
    }
    return post(body.toBuffer(), methods, answers -> {
      Map<String, Integer> errors = new HashMap<>();
      for (int i = 0; i < answers.size(); i++) {
        if (answers.get(i).isError()) errors.merge(chunk.get(i).method(), 1, Integer::sum);
      }
      return errors;
    }, parsed -> {
      if (!(parsed instanceof JsonArray answers)) {
        // A single object here is the node rejecting the whole batch (e.g. too large): try elsewhere.
        throw new MalformedResponseException("batch answered with " + describe(parsed));
      }
      Map<Long, RpcResponse> byId = new HashMap<>();
      for (Object item : answers) {
        if (!(item instanceof JsonObject answer) || !(answer.getValue("id") instanceof Number id)) {
          throw new MalformedResponseException("batch answer without numeric id");
        }
        byId.put(id.longValue(), toResponse(answer));
      }
      List<RpcResponse> inOrder = new ArrayList<>(chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        RpcResponse answer = byId.get(firstId + i);
        if (answer == null) throw new MalformedResponseException("batch answer lacks id " + (firstId + i));
        inOrder.add(answer);
      }
      return inOrder;
    }, answers -> {
      // One throttled or unserved call makes the whole chunk worth asking elsewhere: the round needs all.
      for (int i = 0; i < answers.size(); i++) {
        String fault = fault(chunk.get(i).method(), answers.get(i));
        if (fault != null) return fault;
      }
      return null;
    }, (endpoint, answers) -> {
      for (int i = 0; i < answers.size(); i++) observe(endpoint, chunk.get(i).method(), chunk.get(i).params(), answers.get(i));
    });
  }

  private static JsonObject envelope(long id, RpcRequest request) {
    return new JsonObject().put("jsonrpc", "2.0").put("id", id).put("method", request.method())
        .put("params", request.params() == null ? new JsonArray() : request.params());
  }

  private static boolean idMatches(JsonObject response, long id) {
    return response.getValue("id") instanceof Number n && n.longValue() == id;
  }

  private static RpcResponse toResponse(JsonObject answer) {
    if (answer.containsKey("error")) {
      if (!(answer.getValue("error") instanceof JsonObject error) || !(error.getValue("code") instanceof Number code)) {
        throw new MalformedResponseException("error member is not a JSON-RPC error object");
      }
      return RpcResponse.failed(new RpcException(code.intValue(), error.getString("message", ""), error.getValue("data")));
    }
    if (!answer.containsKey("result")) throw new MalformedResponseException("answer has neither result nor error");
    return RpcResponse.ok(answer.getValue("result"));
  }

  /**
   * Sends one HTTP body holding {@code methods} (calls per method), failing over endpoint by
   * endpoint until {@code decode} accepts an answer that {@code faulty} does not call the provider's
   * fault. A faulty answer from the last endpoint tried is returned as it is (its errors stay
   * per-call errors, which callers already treat as "not served"), so one provider alone behaves as
   * before. {@code answeredErrors} says which calls of an accepted answer are JSON-RPC errors (for
   * the per-method metrics).
   */
  private <T> Future<T> post(Buffer body, Map<String, Integer> methods, Function<T, Map<String, Integer>> answeredErrors,
      Function<Object, T> decode, Function<T, String> faulty, java.util.function.BiConsumer<RpcEndpoint, T> accepted) {
    int calls = methods.values().stream().mapToInt(Integer::intValue).sum();
    return attempt(endpointOrder(), 0, new Sending<>(body, calls, methods, answeredErrors, decode, faulty, accepted), null, null);
  }

  /** What one {@link #post} sends and how it judges the answers, carried along the failover. */
  private record Sending<T>(Buffer body, int calls, Map<String, Integer> methods,
      Function<T, Map<String, Integer>> answeredErrors, Function<Object, T> decode, Function<T, String> faulty,
      java.util.function.BiConsumer<RpcEndpoint, T> accepted) {}

  private <T> Future<T> attempt(List<RpcEndpoint> order, int index, Sending<T> sending, Throwable lastFailure, T faultyAnswer) {
    if (index == order.size()) {
      if (faultyAnswer != null) return Future.succeededFuture(faultyAnswer);
      return Future.failedFuture(new RpcUnavailableException(
          "no RPC endpoint of chain " + chainId + " answered (" + order.size() + " tried)", lastFailure));
    }
    RpcEndpoint endpoint = order.get(index);
    callsSent.add(sending.calls());
    httpRequests.increment();
    endpoint.requests.increment();
    metrics.sent(chainId, endpoint.provider, sending.methods());
    return exchange(endpoint, sending.body()).map(sending.decode()).transform(outcome -> {
      if (outcome.succeeded()) {
        String fault = sending.faulty().apply(outcome.result());
        if (fault == null) {
          endpoint.markHealthy();
          Map<String, Integer> errors = sending.answeredErrors().apply(outcome.result());
          if (!errors.isEmpty()) metrics.failed(chainId, endpoint.provider, errors, "rpc_error");
          sending.accepted().accept(endpoint, outcome.result());
          return Future.succeededFuture(outcome.result());
        }
        (fault.startsWith(STALE) ? endpoint.staleAnswers : endpoint.providerErrors).increment();
        endpoint.markFailed(new MalformedResponseException(fault));
        // A throttled, unserved or stale answer is no usable answer: the calls failed over.
        metrics.failed(chainId, endpoint.provider, sending.methods(), "unavailable");
        if (index + 1 == order.size() && fault.startsWith(STALE)) highestHead.set(-1); // every provider agrees: the chain went back
        return attempt(order, index + 1, sending, lastFailure, outcome.result());
      }
      endpoint.failures.increment();
      endpoint.markFailed(outcome.cause());
      metrics.failed(chainId, endpoint.provider, sending.methods(), "unavailable");
      return attempt(order, index + 1, sending, outcome.cause(), faultyAnswer);
    });
  }

  private static final String STALE = "stale head";
  /** How far below the highest head seen a provider's head may be before it counts as stuck. */
  private static final long STALE_HEAD_TOLERANCE = 2;

  /**
   * Remembers which endpoint served a receipt's block hash; when a header asked by that hash is
   * answered "no such block" (by any endpoint), the endpoint that served the receipt served one from
   * an orphaned fork, or made it up: it is marked failed (tried last, with backoff), so the next
   * round asks the receipt elsewhere. The answers themselves stand: the round retries the payment.
   */
  private void observe(RpcEndpoint endpoint, String method, JsonArray params, RpcResponse answer) {
    if (answer.isError()) return;
    if ("eth_getTransactionReceipt".equals(method) && answer.result() instanceof JsonObject receipt
        && receipt.getValue("blockHash") instanceof String hash) {
      receiptBlocks.put(hash.toLowerCase(java.util.Locale.ROOT), endpoint);
    } else if ("eth_getBlockByHash".equals(method) && answer.result() == null && params != null && !params.isEmpty()
        && params.getValue(0) instanceof String hash) {
      RpcEndpoint served = receiptBlocks.remove(hash.toLowerCase(java.util.Locale.ROOT));
      if (served != null) {
        served.providerErrors.increment();
        served.markFailed(new MalformedResponseException("served a receipt in block " + hash + ", which no provider shows"));
      }
    }
  }

  /** Block hash → the endpoint that last served a receipt naming it (bounded; a cache of suspicion only). */
  private final Map<String, RpcEndpoint> receiptBlocks = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, RpcEndpoint> eldest) {
      return size() > 4096;
    }
  });

  /** Why an answer to {@code method} is the provider's fault (a throttle, an unserved state or debug method inside HTTP 200), or null. */
  private static String fault(String method, RpcResponse answer) {
    return answer.isError() && ProviderFaults.isProviderFault(method, answer.error())
        ? "JSON-RPC error " + answer.error().code() + ": " + truncate(String.valueOf(answer.error().getMessage())) : null;
  }

  /**
   * A head cannot go backwards by more than a short reorg: a provider answering a head well below
   * the highest any provider of this chain answered is stuck or lagging, and another is asked.
   */
  private String staleHead(RpcResponse answer) {
    if (answer.isError() || !(answer.result() instanceof String text)) return null;
    long head;
    try {
      head = Hex.longQuantity(text);
    } catch (RuntimeException e) {
      return null; // the caller reports a malformed head
    }
    long highest = highestHead.get();
    if (highest >= 0 && head < highest - STALE_HEAD_TOLERANCE) {
      return STALE + " " + head + ", another provider answered " + highest;
    }
    highestHead.accumulateAndGet(head, Math::max);
    return null;
  }

  /** A provider's counters, for metrics (its URL redacted to scheme, host and port). */
  public record ProviderStats(String provider, long requests, long failures, long providerErrors, long staleAnswers) {}

  /** Per provider, in configured order: HTTP requests, transport/HTTP failures, JSON-RPC faults inside 200s, stale heads. */
  public List<ProviderStats> providerStats() {
    return endpoints.stream().map(e -> new ProviderStats(e.provider, e.requests.sum(), e.failures.sum(),
        e.providerErrors.sum(), e.staleAnswers.sum())).toList();
  }

  private Future<Object> exchange(RpcEndpoint endpoint, Buffer body) {
    return endpoint.exchange(http, vertx, body, options.requestTimeout().toMillis());
  }

  /** Healthy endpoints in configured order, then cooling-down ones, least recently failed first. */
  private List<RpcEndpoint> endpointOrder() {
    long now = nanoClock.getAsLong();
    List<RpcEndpoint> healthy = new ArrayList<>(endpoints.size());
    List<RpcEndpoint> cooling = new ArrayList<>();
    for (RpcEndpoint endpoint : endpoints) {
      (endpoint.isCooling(now) ? cooling : healthy).add(endpoint);
    }
    cooling.sort((a, b) -> Long.compare(a.failedAt(), b.failedAt()));
    healthy.addAll(cooling);
    return healthy;
  }

  private static String describe(Object parsed) {
    return parsed == null ? "null" : truncate(parsed.toString());
  }

  private static String truncate(String text) {
    return RpcEndpoint.truncate(text);
  }

  @Override
  public void close() {
    if (ownsHttpClient) {
      http.close().onFailure(e -> LOG.warn("closing the RPC HTTP client of chain {} failed", chainId, e));
    }
  }

  /** Provider URLs often carry an API key in the path or query; logs get scheme, host and port only. */
  static String redact(String url) {
    return RpcEndpoint.redact(url);
  }

  /** The endpoint answered something that is not a usable JSON-RPC answer; fail over. */
  static final class MalformedResponseException extends RuntimeException {
    MalformedResponseException(String message) {
      super(message, null, false, false);
    }
  }
}
