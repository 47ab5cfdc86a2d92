package io.tollgate.relay;

import io.tollgate.chain.Hex;
import java.util.Locale;
import java.util.Objects;

/**
 * The identity of one EIP-3009 authorization: a token contract accepts each (from, nonce) once, so
 * this is also the identity of its relay. {@link Relayer#relay} is idempotent on it.
 *
 * @param chainId the chain the token lives on
 * @param token the token contract, 0x + 40 hex digits (stored lowercase)
 * @param from the authorizing wallet, 0x + 40 hex digits (stored lowercase)
 * @param nonce the authorization's 32-byte nonce, 0x + 64 hex digits (stored lowercase)
 */
public record AuthorizationKey(long chainId, String token, String from, String nonce) {
  public AuthorizationKey {
    if (chainId <= 0) throw new IllegalArgumentException("chainId must be positive, got " + chainId);
    token = Hex.address(Objects.requireNonNull(token, "token").toLowerCase(Locale.ROOT));
    from = Hex.address(Objects.requireNonNull(from, "from").toLowerCase(Locale.ROOT));
    nonce = Hex.hash(Objects.requireNonNull(nonce, "nonce").toLowerCase(Locale.ROOT));
  }
}
