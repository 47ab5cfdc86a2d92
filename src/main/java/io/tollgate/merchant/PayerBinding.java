package io.tollgate.merchant;

import java.util.Locale;

/**
 * How a merchant's checkouts attribute direct transfers. Transaction hashes are public, so a
 * transfer proves whose checkout it pays only through a payer bound to that checkout.
 */
public enum PayerBinding {
  /** The default: a direct transfer counts only for a checkout whose payer is bound (signed in, or preset by the shop). */
  REQUIRED,
  /**
   * Unbound checkouts take any transfer of the right amount to the recipient. Unsafe whenever two
   * checkouts can have the same amount and recipient: whoever claims a transfer first is credited.
   */
  OPTIONAL;

  /** The stored and command-line form: {@code required} or {@code optional}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PayerBinding fromCode(String code) {
    for (PayerBinding b : values()) {
      if (b.code().equals(code)) return b;
    }
    throw new io.tollgate.api.ApiException(io.tollgate.api.ErrorCode.INVALID_REQUEST,
        "payerBinding must be 'required' or 'optional', not '" + code + "'");
  }
}
