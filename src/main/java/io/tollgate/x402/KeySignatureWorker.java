package io.tollgate.x402;

import io.tollgate.signature.KeySignatures;
import io.tollgate.signature.SignatureCheck;
import io.tollgate.signature.SignatureRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;

/**
 * A worker verticle on {@link #ADDRESS}: checks a batch of key signatures (EIP-712 digest already
 * made, ECDSA recovery here), so the HTTP event loops never wait on that CPU work. Deploy several
 * instances to use several cores; the event bus hands batches to them in turn.
 */
public final class KeySignatureWorker extends VerticleBase {
  /** {@code Batch} in, {@code Results} out (in the same order). Local to the instance. */
  public static final String ADDRESS = "tollgate.x402.signatures";

  /** Key signatures to check, each with the chain it is for. */
  public record Batch(List<Item> items) {}

  public record Item(SignatureRequest request, long chainId) {}

  public record Results(List<SignatureCheck> checks) {}

  private MessageConsumer<Batch> consumer;

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().<Batch>localConsumer(ADDRESS, message -> {
      try {
        message.reply(new Results(message.body().items().stream()
            .map(item -> KeySignatures.check(item.request(), item.chainId())).toList()));
      } catch (RuntimeException e) {
        message.fail(500, String.valueOf(e.getMessage()));
      }
    });
    return consumer.completion();
  }

  /** The message types to register with the local codec. */
  public static List<Class<?>> messageTypes() {
    return List.of(Batch.class, Results.class);
  }
}
