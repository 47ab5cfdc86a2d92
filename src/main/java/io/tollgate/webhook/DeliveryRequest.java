package io.tollgate.webhook;

import java.util.List;
import java.util.Objects;

/**
 * One attempt to deliver one event to one endpoint. {@code messageId} is the event id (the same
 * on every retry and resend); {@code secrets} are the endpoint's active signing secrets, more
 * than one during a rotation overlap.
 */
record DeliveryRequest(String url, String messageId, byte[] body, List<WebhookSecret> secrets) {
  public DeliveryRequest {
    Objects.requireNonNull(url);
    Objects.requireNonNull(messageId);
    Objects.requireNonNull(body);
    secrets = List.copyOf(secrets);
  }

  @Override
  public String toString() {
    return "DeliveryRequest[url=" + url + ", messageId=" + messageId + ", bodyBytes=" + body.length
        + ", secrets=" + secrets.size() + "]";
  }
}
