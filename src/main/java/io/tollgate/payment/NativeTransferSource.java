package io.tollgate.payment;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Where the proof of a native (ETH) payment comes from. The seam exists because the outer
 * transaction's from/to/value only describes plain account-to-account payments: smart wallets and
 * ERC-4337 bundlers pay from inside the call tree, which needs a balance-diff trace
 * ({@code debug_traceTransaction} with {@code prestateTracer}, {@code diffMode: true}) instead.
 * The watcher fetches the evidence call for every mined native payment (batched with its other
 * calls) and hands the answer to {@link #transferOf}. The call is given as method and params so this
 * package stays free of the RPC client's types.
 */
public interface NativeTransferSource {

  /** The JSON-RPC method that fetches the evidence for one mined transaction. */
  String evidenceMethod();

  /** Its params for one transaction. */
  JsonArray evidenceParams(String txHash);

  /**
   * What the evidence proves moved to the expectation's recipient.
   *
   * @throws ChainDataException when the evidence is missing or malformed (retryable)
   */
  NativeTransfer transferOf(PaymentExpectation expectation, JsonObject receipt, Object evidence);
}
