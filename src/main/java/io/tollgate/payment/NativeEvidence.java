package io.tollgate.payment;

import io.tollgate.chain.RpcResponse;

/**
 * What a {@link NativeTransferSource} with a mined-evidence call judges a mined transaction by:
 * the transaction's own fields (kept from before mining) and the answer to the call that exists
 * only once it is mined (the balance-diff trace), error answers included, since a provider without
 * the debug API is an answer too.
 *
 * @param transaction the transaction's fields, as the source's evidence call read them
 * @param mined the mined-evidence call's answer (result or JSON-RPC error)
 */
public record NativeEvidence(Object transaction, RpcResponse mined) {}
