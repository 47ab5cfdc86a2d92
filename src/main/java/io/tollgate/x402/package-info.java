/**
 * The x402 facilitator (protocol v2, scheme {@code exact} on EVM chains, EIP-3009 tokens): what a
 * resource server built with the official SDK calls as its facilitator ({@code /x402/supported},
 * {@code /verify}, {@code /settle}), answering with the reference's bodies and reason strings, over
 * Tollgate's shared {@code SignatureVerifier} and gasless relayer.
 *
 * <p>Better than the reference: an authorization being settled or settled here is reported as used
 * by verify at once (its row in {@code x402_settlements}); settle is idempotent on (chain, token,
 * from, nonce) through that row's unique key and the relayer's; a receipt that does not arrive in
 * the request's budget is answered {@code settlement_pending} with the hash, and the settlement can
 * be followed ({@code GET /x402/settlements/{id}}); ERC-6492 deploys only through allowlisted
 * factories; verify makes one JSON-RPC call.
 *
 * <p>What verify trusts, and for how long: the token's EIP-712 name and version from configuration
 * (never read from the chain; a changed token needs a changed setting); the chain's state at its
 * latest block when the request arrives (the nonce's state, the payer's balance and code size, the
 * token's code size: read per request, so no staleness of ours, but a block later they may differ,
 * which is why settle's relayer simulates the exact transfer again before sending it); and this
 * facilitator's own settlements in PostgreSQL (authoritative). An EOA's 65-byte signature is checked
 * by ECDSA recovery alone; a payer with code goes through the shared verifier (ERC-1271, EIP-7702,
 * ERC-6492 through allowlisted factories only), which asks the chain.
 *
 * <p>Key signatures (a payer without code, 65 bytes) are recovered by {@link
 * io.tollgate.x402.KeySignatureWorker} worker verticles, asked once per event-loop turn with that
 * turn's batch over the event bus, so HTTP loops never run the curve arithmetic.
 *
 * <p>Public face: {@link io.tollgate.x402.X402Facilitator}, {@link io.tollgate.x402.FacilitatorChain},
 * {@link io.tollgate.x402.X402Settings}, {@link io.tollgate.x402.KeySignatureWorker}, {@link
 * io.tollgate.x402.SettlementFollower} (records outcomes nobody asked for), {@link
 * io.tollgate.x402.SettlementListener} and {@link io.tollgate.x402.SettlementFinished} (each outcome,
 * once, in its transaction: the webhook outbox listens; and once committed: the root's log and metrics). Depends on {@code api}, {@code chain}, {@code config},
 * {@code eventbus}, {@code gasless} (EIP-3009 facts, typed data, the transfer call), {@code merchant} (the caller),
 * {@code relay}, {@code signature}.
 */
package io.tollgate.x402;
