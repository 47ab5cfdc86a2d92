package io.tollgate.signature;

import io.tollgate.chain.EthRpc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * The one signature verifier of Tollgate: payer binding, gasless authorizations and x402 all
 * ask it. Non-blocking: ECDSA recovery runs on a worker pool, contract checks go through the
 * chain's {@link EthRpc} with gas caps and bounded timeouts. Thread-safe; create one per process.
 */
public interface SignatureVerifier {

  /** ECDSA recovery on Vert.x's shared worker pool (unordered). */
  static SignatureVerifier create(Vertx vertx, VerifierSettings settings) {
    return new ChainSignatureVerifier(vertx, null, settings);
  }

  /** ECDSA recovery on a dedicated pool, to keep signature bursts from starving other blocking work. */
  static SignatureVerifier create(Vertx vertx, WorkerExecutor workers, VerifierSettings settings) {
    return new ChainSignatureVerifier(vertx, workers, settings);
  }

  /**
   * Whether {@code request.signer()} signed {@code request.digest()}, judged by the state of
   * {@code chain} (its code at the signer decides which rule applies). Never fails for bad input
   * or an unreachable chain: those are {@link SignatureCheck.Invalid} and
   * {@link SignatureCheck.Unavailable}.
   */
  Future<SignatureCheck> verify(SignatureRequest request, EthRpc chain);

  /**
   * As {@link #verify(SignatureRequest, EthRpc)}, with the signer's code already known (read at
   * the latest block in the same call as other facts the caller needs), so no {@code eth_getCode}
   * is made: an account without code and a 65-byte signature is checked with no chain call at all.
   */
  Future<SignatureCheck> verify(SignatureRequest request, EthRpc chain, byte[] signerCode);

  /**
   * Tries {@code chains} in order (duplicates by chain id skipped) and answers with the first
   * {@link SignatureCheck.Valid}, whose {@code chainId} says which chain validated. If none does:
   * {@link SignatureCheck.Unavailable} when any chain could not be asked (a retry might
   * validate), else the first chain's {@link SignatureCheck.Invalid}.
   *
   * <p>This is for wallets whose ERC-1271 replay protection hashes in the chain id they were
   * connected to (Coinbase Smart Wallet signing for another chain than the dapp's). The digest
   * never changes between tries: for Sign-In with Ethereum, the message and its {@code Chain ID}
   * line are exactly what Tollgate issued; only the chain whose wallet contract judges the
   * signature varies. EOA signatures carry no chain, so they validate on the first try.
   */
  Future<SignatureCheck> verifyOnFirstChain(SignatureRequest request, List<EthRpc> chains);

  /**
   * The order of chains to try for a payer binding: the chain the wallet says it signed on (if
   * given), the payment chain, then Ethereum mainnet (1), without duplicates. Callers map the ids
   * to configured {@link EthRpc}s and skip those they have no endpoint for.
   */
  static List<Long> fallbackChainIds(Long signingChainId, long paymentChainId) {
    List<Long> ids = new ArrayList<>(3);
    if (signingChainId != null) ids.add(signingChainId);
    if (!ids.contains(paymentChainId)) ids.add(paymentChainId);
    if (!ids.contains(1L)) ids.add(1L);
    return List.copyOf(ids);
  }
}
