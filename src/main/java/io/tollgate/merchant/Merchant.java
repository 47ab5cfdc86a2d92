package io.tollgate.merchant;

import java.util.Map;
import java.util.UUID;

/** An authenticated merchant and what it accepts, keyed by {@code chainId + ":" + token}. */
public record Merchant(UUID id, String name, Map<String, PaymentMethod> methods) {
  public static String methodKey(long chainId, String token) {
    return chainId + ":" + token;
  }
}
