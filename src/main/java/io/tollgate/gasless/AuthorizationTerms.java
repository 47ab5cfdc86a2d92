package io.tollgate.gasless;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The terms of an authorization against its checkout, without the chain: pure, so every refusal
 * can be tested alone. Order: what the request got wrong about the checkout (option, state), then
 * the signed terms one by one, each with its own code.
 */
final class AuthorizationTerms {
  private AuthorizationTerms() {}

  /** Everything the checks need, gathered from the request, the database and the clock. */
  record Input(UUID checkoutId, long chainId, String token, GaslessLedger.Facts facts, TransferAuthorization authorization,
      Instant now, GaslessSettings settings, AuthorizationNonces nonces) {}

  static Optional<ApiException> refusal(Input in) {
    GaslessLedger.Facts f = in.facts();
    TransferAuthorization a = in.authorization();
    if (!f.offered()) {
      return refuse(ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE, in.token() + " on chain " + in.chainId() + " is not an option of this checkout");
    }
    if (f.expired() && !"paid".equals(f.status())) return refuse(ErrorCode.CHECKOUT_NOT_PAYABLE, "checkout is expired");
    if (!"open".equals(f.status()) && !"failed".equals(f.status())) {
      return refuse(ErrorCode.CHECKOUT_NOT_PAYABLE, "checkout is " + f.status());
    }
    if (!a.to().equals(f.recipient())) {
      return refuse(ErrorCode.AUTHORIZATION_WRONG_RECIPIENT, "to is " + a.to() + ", the recipient is " + f.recipient());
    }
    BigInteger amount = f.amount().toBigInteger();
    if (!a.value().equals(amount)) {
      return refuse(ErrorCode.AUTHORIZATION_WRONG_VALUE, "value is " + a.value() + ", the amount is " + amount);
    }
    if (f.payer() != null && !f.payer().equals(a.from())) {
      return refuse(ErrorCode.AUTHORIZATION_WRONG_PAYER, "the checkout's payer is " + f.payer() + ", the authorization is from " + a.from());
    }
    long now = in.now().getEpochSecond();
    if (a.validAfter() > now) {
      return refuse(ErrorCode.AUTHORIZATION_NOT_YET_VALID, "validAfter is " + a.validAfter() + ", now is " + now);
    }
    if (a.validBefore() > f.expiresAt().getEpochSecond()) {
      return refuse(ErrorCode.AUTHORIZATION_OUTLIVES_CHECKOUT,
          "validBefore is " + a.validBefore() + ", the checkout expires at " + f.expiresAt().getEpochSecond());
    }
    if (a.validBefore() <= now + in.settings().relayMargin().toSeconds()) {
      return refuse(ErrorCode.AUTHORIZATION_EXPIRED, "validBefore is " + a.validBefore() + ", the relay needs it valid until at least "
          + (now + in.settings().relayMargin().toSeconds()));
    }
    if (!in.nonces().wasIssuedFor(a.nonce(), in.checkoutId(), in.chainId(), in.token())) {
      return refuse(ErrorCode.AUTHORIZATION_NONCE_NOT_ISSUED, null);
    }
    return Optional.empty();
  }

  /** An ERC-6492 signature may deploy a wallet only through an allowlisted factory. */
  static Optional<ApiException> factoryRefusal(Optional<String> factory, GaslessSettings settings) {
    if (factory.isEmpty() || settings.erc6492Factories().contains(factory.get())) return Optional.empty();
    return refuse(ErrorCode.FACTORY_NOT_ALLOWED, "factory " + factory.get());
  }

  private static Optional<ApiException> refuse(ErrorCode code, String detail) {
    return Optional.of(new ApiException(code, detail));
  }
}
