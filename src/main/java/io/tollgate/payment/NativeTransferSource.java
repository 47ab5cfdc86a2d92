package io.tollgate.payment;

import io.tollgate.chain.RpcRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Where the proof of a native (ETH) payment comes from. The seam exists because the outer
 * transaction's from/to/value only describes plain account-to-account payments: smart wallets and
 * ERC-4337 bundlers pay from inside the call tree, which needs a balance-diff trace
 * ({@code debug_traceTransaction} with {@code prestateTracer}, {@code diffMode: true}) instead.
 * The watcher fetches the evidence call for native payments (batched with its other calls) and
 * hands the answer to {@link #transferOf} with the receipt. The call is given as method and params
 * so this package stays free of the RPC client's types.
 *
 * <p>When is up to the source: evidence that exists only once the transaction is mined is fetched
 * after its receipt; evidence fixed by the transaction's hash ({@link #evidenceFixedBeforeMining()})
 * may be fetched while it is still pending and kept until the receipt appears, so that the block
 * that mines it costs the receipt alone.
 */
public interface NativeTransferSource {

  /** The JSON-RPC method that fetches the evidence for one transaction. */
  String evidenceMethod();

  /** Its params for one transaction. */
  JsonArray evidenceParams(String txHash);

  /**
   * What the evidence proves moved to the expectation's recipient.
   *
   * @param evidence the evidence call's answer, or what {@link #fixedEvidence} kept of one
   * @throws ChainDataException when the evidence is missing, malformed or not the receipt's
   *     transaction's (retryable)
   */
  NativeTransfer transferOf(PaymentExpectation expectation, JsonObject receipt, Object evidence);

  /**
   * A second call whose answer exists only once the transaction is mined (a balance-diff trace),
   * asked in the batch that has the receipt or right after it; null when the source needs none.
   * With one, {@link #transferOf} gets a {@link NativeEvidence}: the evidence call's answer (or
   * what was kept of it) and this call's answer.
   */
  default RpcRequest minedEvidenceCall(String txHash) {
    return null;
  }

  /** Whether {@link #minedEvidenceCall} asks anything. */
  default boolean needsMinedEvidence() {
    return false;
  }

  /**
   * Whether this mined transaction needs the mined-evidence call, or its fields already prove it
   * (a plain transfer that ran no code). {@code receipt} null: not known yet (the transaction's
   * fields alone decide whether it looks plain; the receipt confirms it, or the call is asked next).
   */
  default boolean needsMinedEvidence(PaymentExpectation expectation, JsonObject receipt, Object evidence) {
    return needsMinedEvidence();
  }

  /**
   * Whether a transaction's evidence is fixed by its hash alone, so that it may be fetched while the
   * transaction is pending and kept until it is mined. False unless a source says so: a balance-diff
   * trace exists only for a mined transaction and depends on the state of the block it is in.
   */
  default boolean evidenceFixedBeforeMining() {
    return false;
  }

  /**
   * Reads one answer to the evidence call for {@code txHash}, pending or mined. Asked only of a
   * source whose evidence is fixed before mining.
   *
   * @return null when the node does not know the transaction
   * @throws ChainDataException when the answer is malformed or about another transaction
   */
  default FixedEvidence fixedEvidence(String txHash, Object answer) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no evidence before mining");
  }
}
