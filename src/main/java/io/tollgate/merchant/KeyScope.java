package io.tollgate.merchant;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import java.util.Locale;

/**
 * What an API key may call: {@link #ALL} merchant routes (checkouts, refunds, webhooks and the x402
 * facilitator), or only the {@link #FACILITATOR} ({@code /x402/...}), the key a resource server holds:
 * it can settle payments to the merchant's chosen {@code payTo} but sees nothing of its checkouts.
 */
public enum KeyScope {
  ALL,
  FACILITATOR;

  /** {@code all} or {@code facilitator}: the stored and wire form. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static KeyScope fromCode(String code) {
    if (code == null) return ALL;
    for (KeyScope s : values()) {
      if (s.code().equals(code)) return s;
    }
    throw new ApiException(ErrorCode.INVALID_REQUEST, "scope must be 'all' or 'facilitator', not '" + code + "'", "scope");
  }
}
