package io.tollgate.x402;

import io.tollgate.gasless.Eip3009Facts;
import io.tollgate.gasless.TokenDomain;
import io.tollgate.gasless.TransferAuthorization;
import java.time.Instant;
import java.util.Optional;

/**
 * The reference's verify checks in the reference's order ({@code verifyEIP3009}), as pure functions
 * of the request, the clock and the facts read from the chain, so that a payment wrong in several
 * ways gets the reason the reference would give. Split where the signature check comes in.
 */
final class ExactRules {
  /** validBefore must leave at least this long (the reference's 6 s) to get the transfer mined. */
  static final long VALID_BEFORE_MARGIN_SECONDS = 6;

  private ExactRules() {}

  /** Checks 1-3: scheme, EIP-712 domain present, network. */
  static Optional<String> beforeSignature(PaymentRequest p) {
    if (!PaymentRequest.SCHEME.equals(p.acceptedScheme())) return Optional.of(Reasons.SCHEME);
    if (p.extraName() == null || p.extraVersion() == null) return Optional.of(Reasons.MISSING_EIP712_DOMAIN);
    if (!p.acceptedNetwork().equals(p.network())) return Optional.of(Reasons.NETWORK_MISMATCH);
    return Optional.empty();
  }

  /** The domain the payer signed over: the requirements' name and version, the network's chain, the asset. */
  static TokenDomain signedDomain(PaymentRequest p) {
    return new TokenDomain(p.extraName(), p.extraVersion(), p.chainId(), p.asset());
  }

  /** Checks 5-7: recipient, validity window, exact value. */
  static Optional<String> afterSignature(PaymentRequest p, Instant now) {
    TransferAuthorization a = p.authorization();
    if (!a.to().equals(p.payTo())) return Optional.of(Reasons.RECIPIENT_MISMATCH);
    long seconds = now.getEpochSecond();
    if (a.validBefore() < seconds + VALID_BEFORE_MARGIN_SECONDS) return Optional.of(Reasons.VALID_BEFORE);
    if (a.validAfter() > seconds) return Optional.of(Reasons.VALID_AFTER);
    if (!a.value().equals(p.amount())) return Optional.of(Reasons.VALUE_MISMATCH);
    return Optional.empty();
  }

  /**
   * What the reference learns from its simulation and the diagnosis after it, from the facts read
   * in one call and the token's known domain: the asset has code, is an EIP-3009 token, the nonce
   * is unused, the requirements name the token's own name and version, the balance covers the value.
   */
  static Optional<String> chainFacts(PaymentRequest p, Eip3009Facts facts, TokenDomain tokenDomain) {
    if (facts.tokenCodeSize() == 0) return Optional.of(Reasons.ASSET_NOT_DEPLOYED);
    if (!facts.stateReadable()) return Optional.of(Reasons.EIP3009_NOT_SUPPORTED);
    if (facts.nonceUsed()) return Optional.of(Reasons.NONCE_ALREADY_USED);
    if (!tokenDomain.name().equals(p.extraName())) return Optional.of(Reasons.TOKEN_NAME_MISMATCH);
    if (!tokenDomain.version().equals(p.extraVersion())) return Optional.of(Reasons.TOKEN_VERSION_MISMATCH);
    if (facts.balanceReadable() && facts.balance().compareTo(p.amount()) < 0) return Optional.of(Reasons.INSUFFICIENT_BALANCE);
    if (!facts.balanceReadable()) return Optional.of(Reasons.SIMULATION_FAILED);
    return Optional.empty();
  }
}
