package io.tollgate.eventbus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.Objects;

/**
 * Hands the sender's object to the receiver as is. Safe only for immutable values (records whose
 * collections are copied on construction), and only inside one JVM: it refuses to go on the wire,
 * so a message accidentally routed to another cluster node fails loudly instead of arriving empty.
 */
final class LocalRecordCodec<T> implements MessageCodec<T, T> {
  private final String name;

  LocalRecordCodec(Class<T> type) {
    // One codec per class: the event bus requires codec names to be unique.
    this.name = "local-record:" + Objects.requireNonNull(type, "type").getName();
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(name + " is local only; it cannot be sent to another node");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " is local only; it cannot be read from another node");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
