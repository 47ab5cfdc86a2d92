package io.tollgate.merchant;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import java.util.Locale;

/**
 * Test or live: the mode of an API key and of everything made with it (checkouts, webhook endpoints
 * and events). Test keys ({@code tg_test_...}) work only on chains marked as test networks, live
 * keys ({@code tg_live_...}) only on the others; the two never see each other's objects.
 */
public enum KeyMode {
  TEST,
  LIVE;

  /** {@code test} or {@code live}: the stored and wire form. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The key prefix: {@code tg_test_} or {@code tg_live_}. */
  public String keyPrefix() {
    return "tg_" + code() + "_";
  }

  public static KeyMode fromCode(String code) {
    for (KeyMode m : values()) {
      if (m.code().equals(code)) return m;
    }
    throw new ApiException(ErrorCode.INVALID_REQUEST, "mode must be 'test' or 'live', not '" + code + "'");
  }

  /** The mode that may use a chain: {@link #TEST} on a test network, {@link #LIVE} elsewhere. */
  public static KeyMode forChain(boolean testnet) {
    return testnet ? TEST : LIVE;
  }
}
