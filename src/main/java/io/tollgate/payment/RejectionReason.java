package io.tollgate.payment;

/** Why a submitted transaction does not pay its checkout. Each has a stable wire code. */
public enum RejectionReason {
  TX_REVERTED("tx_reverted"),
  WRONG_TOKEN("wrong_token"),
  WRONG_RECIPIENT("wrong_recipient"),
  WRONG_PAYER("wrong_payer"),
  UNDERPAID("underpaid"),
  OVERPAID("overpaid"),
  NO_TRANSFER("no_transfer"),
  OUTSIDE_VALIDITY_WINDOW("outside_validity_window"),
  NOT_MINED_BEFORE_EXPIRY("not_mined_before_expiry"),
  CHECKOUT_ALREADY_PAID("checkout_already_paid"),
  /** The bound payer's signature no longer validates, or its wallet code changed since binding. */
  PAYER_BINDING_INVALID("payer_binding_invalid"),
  /** Another checkout's claim on the same transaction was credited first (its payer is bound to both, or binding is optional). */
  TX_ALREADY_CREDITED("tx_already_credited");

  private final String code;

  RejectionReason(String code) {
    this.code = code;
  }

  String code() { return code; }

  static RejectionReason fromCode(String code) {
    for (RejectionReason r : values()) {
      if (r.code.equals(code)) return r;
    }
    throw new IllegalArgumentException("unknown rejection reason: " + code);
  }
}
