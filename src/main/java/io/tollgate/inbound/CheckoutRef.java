package io.tollgate.inbound;

/**
 * The keys that tie a processor's event to a Tollgate checkout, strongest first:
 *
 * <ol>
 *   <li>{@code checkoutId}: the metadata the shop attached, key {@value #METADATA_CHECKOUT_ID};
 *   <li>{@code processorPaymentId}: the provider's payment (intent) id, recorded on the payment
 *       when it succeeded, so later refund and dispute events (whose objects carry no shop
 *       metadata) still find it;
 *   <li>{@code processorSessionId}: NodeRails' {@code checkoutSessionId};
 *   <li>{@code orderReference}: the shop's order reference, metadata key
 *       {@value #METADATA_ORDER_REFERENCE}, or NodeRails' {@code externalId}; unique per merchant
 *       only, so the last resort.
 * </ol>
 *
 * Any of them may be null; {@code processorChargeId} (Stripe {@code ch_...}) is informational.
 */
record CheckoutRef(
    InboundProvider provider,
    String checkoutId,
    String processorPaymentId,
    String processorSessionId,
    String processorChargeId,
    String orderReference) {
  public static final String METADATA_CHECKOUT_ID = "tollgate_checkout_id";
  public static final String METADATA_ORDER_REFERENCE = "order_reference";

  public boolean hasAnyKey() {
    return checkoutId != null || processorPaymentId != null || processorSessionId != null || orderReference != null;
  }
}
