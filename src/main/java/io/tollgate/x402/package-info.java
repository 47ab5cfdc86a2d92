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
 * <p>Public face: {@link io.tollgate.x402.X402Facilitator}, {@link io.tollgate.x402.FacilitatorChain},
 * {@link io.tollgate.x402.X402Settings}. Depends on {@code api}, {@code chain}, {@code config},
 * {@code gasless} (EIP-3009 facts, typed data, the transfer call), {@code merchant} (the caller),
 * {@code relay}, {@code signature}.
 */
package io.tollgate.x402;
