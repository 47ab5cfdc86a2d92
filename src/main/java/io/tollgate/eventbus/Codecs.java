package io.tollgate.eventbus;

import io.vertx.core.Vertx;
import java.util.List;

/** Registers {@link LocalRecordCodec} as the default codec of the record types sent on the bus. */
public final class Codecs {
  private Codecs() {}

  /**
   * Call once per {@link Vertx}, from the composition root, with every record type sent on the
   * bus. Fails with {@link IllegalStateException} if a type already has a default codec: two
   * registrations usually mean two owners of one message type, which is worth hearing about.
   */
  public static void register(Vertx vertx, List<Class<?>> types) {
    types.forEach(type -> registerOne(vertx, type));
  }

  private static <T> void registerOne(Vertx vertx, Class<T> type) {
    vertx.eventBus().registerDefaultCodec(type, new LocalRecordCodec<>(type));
  }
}
