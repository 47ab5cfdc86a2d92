package io.tollgate.x402;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.RpcUnavailableException;
import io.tollgate.gasless.Eip3009Facts;
import io.tollgate.relay.AuthorizationKey;
import io.tollgate.relay.RelayOrder;
import io.tollgate.relay.RelayRefusedException;
import io.tollgate.signature.CounterfactualSignatures;
import java.time.Instant;
import java.util.Optional;

/** The relay order of a verified payment, and what the relayer's refusals mean to the resource server. */
final class RelayOrders {
  private RelayOrders() {}

  /**
   * The {@code (v, r, s)} overload for a 65-byte signature (v normalised to 27/28), the
   * {@code bytes} overload otherwise; an ERC-6492 wrapper is removed and, its factory allowlisted by
   * verify, becomes the relayer's deploy made before the transfer when the wallet has no code yet.
   */
  static RelayOrder of(AuthorizationKey key, PaymentRequest p, String purpose) {
    byte[] signature = p.signatureBytes();
    Optional<CounterfactualSignatures.Parts> wrapped = CounterfactualSignatures.unwrap(signature);
    byte[] forToken = wrapped.map(CounterfactualSignatures.Parts::innerSignature).orElse(signature);
    RelayOrder.PreDeploy deploy = wrapped.map(w -> new RelayOrder.PreDeploy(w.factory(), w.factoryCalldata())).orElse(null);
    return new RelayOrder(key, p.asset(), Eip3009Facts.transferCall(p.authorization(), forToken, forToken.length == 65),
        Instant.ofEpochSecond(p.authorization().validBefore()), purpose, deploy);
  }

  /** The reason for a transfer the relayer would not send because its simulation reverted. */
  static Optional<String> refusal(Throwable e) {
    if (e instanceof RelayRefusedException r && r.reason() == RelayRefusedException.Reason.SIMULATION_REVERTED) {
      return Optional.of(Reasons.ofRevert(r.getMessage()));
    }
    return Optional.empty();
  }

  /** A 503 for a relayer without funds or a chain that did not answer: nothing was sent, retry later. */
  static Optional<ApiException> unavailable(Throwable e) {
    if (e instanceof RelayRefusedException r && r.reason() == RelayRefusedException.Reason.RELAYER_UNAVAILABLE) {
      return Optional.of(new ApiException(ErrorCode.RELAYER_UNAVAILABLE, r.getMessage()));
    }
    if (e instanceof RpcUnavailableException) {
      return Optional.of(new ApiException(ErrorCode.UNAVAILABLE, "the chain could not be asked to simulate the transfer"));
    }
    return Optional.empty();
  }
}
