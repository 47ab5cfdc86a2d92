package io.tollgate.inbound;

import java.util.Objects;
import java.util.UUID;

/**
 * One configured intake URL ({@code POST /v1/webhooks/{name}}), as django-payments does it: its
 * provider format, its signature scheme holding the variant's secrets, and the merchant whose
 * checkouts its events may touch.
 */
public record InboundVariant(String name, InboundProvider provider, InboundSignatureScheme scheme, UUID merchantId) {
  public InboundVariant {
    Objects.requireNonNull(name);
    Objects.requireNonNull(provider);
    Objects.requireNonNull(scheme);
    Objects.requireNonNull(merchantId);
  }
}
