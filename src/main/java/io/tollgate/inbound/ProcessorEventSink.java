package io.tollgate.inbound;

import io.vertx.core.Future;

/**
 * Applies a typed processor event to checkouts and payments (implemented by the checkout
 * capability). Runs inside the event's transaction; must be idempotent. Answers {@link
 * HandlerOutcome.Unmatched} when {@link CheckoutRef} finds no checkout.
 */
@FunctionalInterface
interface ProcessorEventSink {
  Future<HandlerOutcome> apply(InboundEvent event, ProcessorEvent extracted, HandlerContext ctx);
}
