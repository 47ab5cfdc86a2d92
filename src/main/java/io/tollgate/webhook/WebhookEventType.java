package io.tollgate.webhook;

/**
 * The event types Tollgate sends to shops; endpoints subscribe to a subset. Refund events carry
 * the refund (camelCase) from their transition's details; later issues add reorg types here and
 * they travel the same path.
 */
enum WebhookEventType {
  /** A transaction was submitted for the checkout and is being verified. */
  CHECKOUT_PENDING("checkout.pending"),
  /** The payment is confirmed on-chain: fulfil the order. */
  CHECKOUT_PAID("checkout.paid"),
  /** The submitted transaction does not pay the checkout (reason in data). */
  CHECKOUT_FAILED("checkout.failed"),
  /** The checkout expired unpaid. */
  CHECKOUT_EXPIRED("checkout.expired"),
  /**
   * Money arrived for a checkout that had already expired. The checkout stays expired, but the
   * shop must hear about it to refund or honour the order: money is never dropped on the floor.
   */
  CHECKOUT_PAID_LATE("checkout.paid_late"),
  /** A payment arrived but the checkout is still short of its amount; {@code amounts.amountDueBase} says by how much. */
  CHECKOUT_UNDERPAID("checkout.underpaid"),
  /** The shop canceled the checkout; a payment arriving later is recorded as a late payment. */
  CHECKOUT_CANCELED("checkout.canceled"),
  /** A refund was created: on-chain, {@code refund.send} says what to send; else awaiting the processor. */
  REFUND_CREATED("refund.created"),
  /** The refund's money is back with the payer (transfer confirmed, or the processor's refund webhook). */
  REFUND_SUCCEEDED("refund.succeeded"),
  /** A transfer posted for the refund does not do what it asks (reason); the refund is open again. */
  REFUND_FAILED("refund.failed"),
  /** The refund was canceled before anything was sent; its amount is refundable again. */
  REFUND_CANCELED("refund.canceled"),
  /**
   * A second transfer posted for a refund that had already succeeded was confirmed too: the shop
   * sent the money twice (counted once; the transfer is in the refund's {@code transfers}).
   */
  REFUND_EXTRA_TRANSFER("refund.extra_transfer"),
  /**
   * A confirmed payment reached a checkout that could not take it (already paid, or partly paid in
   * another token): kept credited, shown in {@code money.duplicatePayments}, refundable with
   * {@code POST .../refunds {"payment": id}}. Never kept silently.
   */
  CHECKOUT_DUPLICATE_PAYMENT("checkout.duplicate_payment"),
  /**
   * A confirmed payment left the chain (its block was reorganised away and the transaction not
   * mined again, or mined again where it no longer pays): cancel what it bought. The checkout is
   * {@code reversed} when that payment had paid it; a late payment's checkout stays expired.
   */
  CHECKOUT_PAYMENT_REVERSED("checkout.payment_reversed");

  private final String wireName;

  WebhookEventType(String wireName) { this.wireName = wireName; }

  String wireName() { return wireName; }

  static WebhookEventType fromWireName(String name) {
    for (WebhookEventType type : values()) {
      if (type.wireName.equals(name)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown webhook event type: " + name);
  }
}
