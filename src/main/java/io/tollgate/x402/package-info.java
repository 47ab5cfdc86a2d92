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
 * factories; verify makes one JSON-RPC call for an authorization it has not seen and none for a
 * repeat (its facts kept fresh from the token's logs).
 *
 * <p>What verify trusts, and for how long:
 * <ul>
 *   <li>the token's EIP-712 name and version from configuration (never read from the chain; a
 *       changed token needs a changed setting);
 *   <li>this facilitator's own settlements in PostgreSQL (authoritative, looked up on every verify);
 *   <li>the chain's facts of the authorization (the nonce's state, the payer's balance and code
 *       size, the token's code size), read in one {@code eth_call} the first time this instance
 *       sees the authorization (a nonce it has not seen is never assumed unused) at the block its
 *       facts feed last applied, F, and then kept in memory ({@code VerifyFacts})
 *       per (chain, token, payer, nonce), at most 50,000 per chain. The feed follows the chain's
 *       head every {@code min(chain.<id>.poll-interval-ms, 1 s)} while anything is kept, and
 *       applies the tokens' {@code Transfer}, {@code AuthorizationUsed} and {@code
 *       AuthorizationCanceled} logs of every block after F; so a balance or nonce change made
 *       anywhere is seen by the next round after its block, and a fact first read is at most one
 *       round behind the head. Only facts that let a payment through (and a spent nonce, which
 *       stays spent) are answered from memory or from F: a balance short of the payment is read
 *       again at the latest block before verify refuses for it, so a payer funded a moment ago is
 *       not refused for the feed's lag. A reorg of F, a gap, an odd log, a balance the logs would take
 *       below zero or a failed call clears the chain's facts (never a guess). What no log shows (a
 *       payer's code changed by an EIP-7702 delegation or a wallet deployment, a token whose
 *       balances move without Transfer logs) is trusted for at most {@code x402.facts-max-age-ms}
 *       (10 s): an entry read longer ago is read again, and every entry is read again while the
 *       feed has not confirmed the head for that long. An entry still asked for past half that age is
 *       read again in the background (the answer meanwhile is the kept one), so a busy payload never
 *       makes a request wait for its expiry. {@code x402.facts-max-age-ms=0} reads per
 *       request at the latest block, as the reference does.
 * </ul>
 * A verify answer is advice of a moment either way: settle judges with the same facts (kept ones
 * included, except for an undeployed ERC-6492 wallet's transfer, which the relayer cannot simulate:
 * read afresh), and the relayer then simulates the exact transfer at the latest block ({@code
 * eth_estimateGas}) before it stores the order, so a stale fact can make settle refuse, or pass the
 * request on to that simulation, but never sends a transfer that reverted there. An EOA's 65-byte signature is checked by ECDSA recovery alone; a payer with code goes
 * through the shared verifier (ERC-1271, EIP-7702, ERC-6492 through allowlisted factories only),
 * which asks the chain.
 *
 * <p>How a sent settlement ends ({@code SettleOutcome}): settled only when the mined transaction
 * logged the asset's {@code Transfer(from, payTo, amount)} and its {@code AuthorizationUsed}, read
 * from the logs the relayer kept when it settled the relay (no call of ours); otherwise failed with
 * the reference's {@code invalid_exact_evm_transfer_event_mismatch}; a relay mined and reverted is
 * {@code invalid_exact_evm_transaction_failed}; each with its hash, recorded once with its webhook.
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
