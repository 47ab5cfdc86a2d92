package io.tollgate.inbound;

import io.vertx.core.Future;

/**
 * Processes one kind of inbound event. Must be idempotent (providers deliver twice, and a failed
 * event is retried) and must write only through {@link HandlerContext#connection()}.
 */
@FunctionalInterface
interface WebhookHandler {
  Future<HandlerOutcome> handle(InboundEvent event, HandlerContext ctx);
}
