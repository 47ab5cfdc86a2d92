package io.tollgate.inbound;

/**
 * An authentic event whose payload lacks what its kind promises. Fails the handler, so the event
 * keeps its failure (with this message) and can be retried once the cause is understood.
 */
final class WebhookPayloadException extends RuntimeException {
  WebhookPayloadException(String message) {
    super(message);
  }
}
