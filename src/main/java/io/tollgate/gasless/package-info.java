/**
 * Gasless payments (EIP-3009) as the buyer sees them: the {@code TransferWithAuthorization} typed
 * data offered with a checkout's payment options, the intake of the signed authorization, and what
 * its relay does to the checkout.
 *
 * <p>An authorization binds its checkout by the payer's own signature over the checkout's exact
 * terms: {@code to} the recipient, {@code value} the exact amount, a validity inside the
 * checkout's, and a nonce Tollgate issued for this checkout and option (salt ‖ HMAC, so it names
 * the checkout without being stored). Every term, the signature (EIP-712 digest through the shared
 * {@code SignatureVerifier}: EOA, ERC-1271, ERC-6492 through allowlisted factories, EIP-7702), the
 * nonce's on-chain state and the payer's balance are checked before anything is stored or spent;
 * the relayer ({@code io.tollgate.relay}) then simulates the exact transaction and stores the order.
 * Each broadcast hash becomes an ordinary payment claim, verified by the chain watcher like any
 * other; a relay that fails moves the checkout to {@code failed}/{@code relay_failed}.
 *
 * <p>Public face: {@link io.tollgate.gasless.GaslessPayments} (with its {@code Submission}),
 * {@link io.tollgate.gasless.GaslessVerticle}, {@link io.tollgate.gasless.GaslessTokens},
 * {@link io.tollgate.gasless.GaslessSettings}, {@link io.tollgate.gasless.TokenDomain}. Depends on
 * {@code api}, {@code chain}, {@code checkout}, {@code config}, {@code eventbus}, {@code payment}
 * (its submission message), {@code relay}, {@code signature}.
 */
package io.tollgate.gasless;
