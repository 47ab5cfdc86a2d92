package io.tollgate.x402;

import io.tollgate.relay.AuthorizationKey;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;

/** A stored settlement ({@code x402_settlements}). */
record Settlement(UUID id, UUID merchantId, AuthorizationKey key, byte[] payloadHash, String network, String payTo,
    String amount, UUID relayId, String state, String txHash, String errorReason, OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {
  static final String SETTLING = "settling";
  static final String SETTLED = "settled";
  static final String FAILED = "failed";

  /** This settlement as it is once its relay finished. */
  Settlement finishedAs(String newState, String newTxHash, String newErrorReason) {
    return new Settlement(id, merchantId, key, payloadHash, network, payTo, amount, relayId, newState, newTxHash, newErrorReason,
        createdAt, OffsetDateTime.now(java.time.ZoneOffset.UTC));
  }

  boolean samePayload(byte[] hash) {
    return java.security.MessageDigest.isEqual(payloadHash, hash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Settlement s && s.id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return "Settlement[" + id + ", " + key + ", " + state + ", hash " + Arrays.hashCode(payloadHash) + "]";
  }
}
