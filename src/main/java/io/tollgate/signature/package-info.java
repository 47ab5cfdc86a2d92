/**
 * Signatures: one {@link io.tollgate.signature.SignatureVerifier} for every kind of wallet, and
 * the Sign-In with Ethereum (EIP-4361) challenge messages that bind a payer to a checkout.
 *
 * <p>Wallet kinds and how each is checked:
 * <ul>
 *   <li>an account without code (EOA): ECDSA recovery of the 65-byte signature, off the event loop;
 *   <li>a contract (ERC-1271): {@code isValidSignature(bytes32,bytes)} by {@code eth_call}, gas
 *       capped, after an all-zero probe that weeds out contracts accepting anything;
 *   <li>a counterfactual wallet (ERC-6492, signature ending in {@code 0x6492…6492}): the EIP's
 *       universal validator run as a deployless {@code eth_call};
 *   <li>an EIP-7702 delegated EOA (code {@code 0xef0100 ‖ delegate}): the EOA key first, then
 *       ERC-1271 through the delegate, then ERC-1271 over the delegate's EIP-712 envelope.
 * </ul>
 *
 * <p>Outcomes are values ({@link io.tollgate.signature.SignatureCheck}): valid (with the method
 * and the wallet's code at check time, to pin at binding and compare at settlement), invalid with
 * a wire-coded {@link io.tollgate.signature.InvalidReason}, or unavailable (the chain could not be
 * asked; retry). The verifier's future fails only on a programming error.
 *
 * <p>Public face (11 of 18 types; everything else is package-private): {@link
 * io.tollgate.signature.ChallengeProblem}, {@link io.tollgate.signature.InvalidReason}, {@link
 * io.tollgate.signature.SignatureCheck}, {@link io.tollgate.signature.SignatureRequest}, {@link
 * io.tollgate.signature.SignatureVerifier}, {@link io.tollgate.signature.SiweFormatException},
 * {@link io.tollgate.signature.SiweMessage}, {@link io.tollgate.signature.SiweMessages}, {@link
 * io.tollgate.signature.VerificationMethod}, {@link io.tollgate.signature.VerifierSettings}, {@link
 * io.tollgate.signature.WalletCode}.
 */
package io.tollgate.signature;
