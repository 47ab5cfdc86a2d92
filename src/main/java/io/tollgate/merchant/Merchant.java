package io.tollgate.merchant;

import java.util.Map;
import java.util.UUID;

/**
 * An authenticated merchant, what it accepts (keyed by {@code chainId + ":" + token}) and the mode
 * of the key it authenticated with: a test key sees test networks and test objects only.
 */
public record Merchant(UUID id, String name, Map<String, PaymentMethod> methods, KeyMode mode) {
  public static String methodKey(long chainId, String token) {
    return chainId + ":" + token;
  }
}
