package io.tollgate.merchant;

import java.util.Map;
import java.util.UUID;

/**
 * An authenticated merchant, what it accepts (keyed by {@code chainId + ":" + token}), the mode of
 * the key it authenticated with (a test key sees test networks and test objects only) and the key's
 * scope.
 */
public record Merchant(UUID id, String name, Map<String, PaymentMethod> methods, KeyMode mode, KeyScope scope) {
  /** A merchant authenticated by a key of every scope. */
  public Merchant(UUID id, String name, Map<String, PaymentMethod> methods, KeyMode mode) {
    this(id, name, methods, mode, KeyScope.ALL);
  }

  public static String methodKey(long chainId, String token) {
    return chainId + ":" + token;
  }
}
