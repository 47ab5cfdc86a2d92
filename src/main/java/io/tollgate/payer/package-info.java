/**
 * Payer binding: a buyer proves control of the wallet that will pay a checkout by signing a
 * Sign-In with Ethereum (EIP-4361) challenge, and the proven address becomes the checkout's payer.
 *
 * <ul>
 *   <li>{@link io.tollgate.payer.PayerBindingService} issues challenges ({@code payer_challenges})
 *       and turns a correctly signed one into {@code checkouts.payer} plus a {@code payer_bindings}
 *       row, in one compare-and-set transaction with its audit row and status notification;
 *   <li>{@link io.tollgate.payer.BindingSettlementCheck} re-verifies the stored proof and the
 *       wallet's code prefix before a payment of a bound checkout is recorded as paid.
 * </ul>
 *
 * <p>Signatures are judged by the one {@code io.tollgate.signature.SignatureVerifier} (EOA,
 * ERC-1271, ERC-6492, EIP-7702). Nothing here blocks: ECDSA recovery runs off the event loop inside
 * the verifier, contract checks and SQL are asynchronous, and no database transaction is held
 * open across an RPC call.
 *
 * <p>Public face (5 of 6 types; everything else is package-private): {@link
 * io.tollgate.payer.BindingSettlementCheck}, {@link io.tollgate.payer.IssuedChallenge}, {@link
 * io.tollgate.payer.PayerBinding}, {@link io.tollgate.payer.PayerBindingService}, {@link
 * io.tollgate.payer.PayerSettings}.
 */
package io.tollgate.payer;
