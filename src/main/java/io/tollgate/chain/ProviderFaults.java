package io.tollgate.chain;

import java.util.List;
import java.util.Locale;

/**
 * Which JSON-RPC error objects are the provider's fault rather than the request's: rate limits
 * (-32005 "limit exceeded", -32029, "too many requests"), internal errors (-32603), resources not
 * available (-32002), and a node that does not have the state asked about yet ("header not found",
 * "unknown block", "missing trie node"). These arrive inside HTTP 200 answers, and another provider
 * may well answer them: they are failed over like a transport error. Every other error (a reverted
 * {@code eth_call}, invalid params) is the same on every provider and returned as is. Pure.
 */
final class ProviderFaults {
  private static final List<Integer> CODES = List.of(-32005, -32029, -32603, -32002);
  private static final List<String> MESSAGES = List.of("header not found", "limit exceeded", "rate limit",
      "too many requests", "unknown block", "missing trie node", "request timed out", "capacity");

  private ProviderFaults() {}

  /**
   * As {@link #isProviderFault(RpcException)}, and a debug method the provider does not serve
   * ("method not found" for {@code debug_traceTransaction}): many providers switch the debug API
   * off, and another one of the chain may serve it.
   */
  static boolean isProviderFault(String method, RpcException error) {
    if (isProviderFault(error)) return true;
    if (method == null || !method.startsWith("debug_")) return false;
    String message = error.getMessage() == null ? "" : error.getMessage().toLowerCase(Locale.ROOT);
    return error.code() == -32601 || message.contains("method not found") || message.contains("does not exist")
        || message.contains("not available") || message.contains("not supported");
  }

  /** Whether another provider may answer where this one failed with {@code error}. */
  static boolean isProviderFault(RpcException error) {
    if (CODES.contains(error.code())) return true;
    String message = error.getMessage() == null ? "" : error.getMessage().toLowerCase(Locale.ROOT);
    for (String m : MESSAGES) {
      if (message.contains(m)) return true;
    }
    return false;
  }
}
