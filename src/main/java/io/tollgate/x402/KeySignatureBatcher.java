package io.tollgate.x402;

import io.tollgate.signature.KeySignatures;
import io.tollgate.signature.SignatureCheck;
import io.tollgate.signature.SignatureRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gathers the key signatures asked within one event-loop turn into one message to
 * {@link KeySignatureWorker}: the first of a turn schedules the send behind the tasks already queued
 * on its context, so a busy loop sends what piled up and an idle one sends a lone check at once.
 * One open batch per context, touched only on that context's thread.
 */
final class KeySignatureBatcher {
  private record Pending(KeySignatureWorker.Item item, Promise<SignatureCheck> check) {}

  private final Vertx vertx;
  private final Map<Context, List<Pending>> open = new ConcurrentHashMap<>();
  private final DeliveryOptions options = new DeliveryOptions().setSendTimeout(10_000);

  KeySignatureBatcher(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<SignatureCheck> check(SignatureRequest request, long chainId) {
    // a refused shape, or a signature recovered lately (verify, then settle; a client's retry): no trip
    SignatureCheck known = KeySignatures.checkWithoutRecovery(request, chainId);
    if (known != null) return Future.succeededFuture(known);
    Promise<SignatureCheck> promise = Promise.promise();
    Pending pending = new Pending(new KeySignatureWorker.Item(request, chainId), promise);
    Context context = Vertx.currentContext();
    if (context == null) {
      send(List.of(pending));
      return promise.future();
    }
    List<Pending> batch = open.computeIfAbsent(context, c -> new ArrayList<>());
    if (batch.isEmpty()) context.runOnContext(v -> send(open.remove(context)));
    batch.add(pending);
    return promise.future();
  }

  private void send(List<Pending> batch) {
    if (batch == null || batch.isEmpty()) return;
    vertx.eventBus().<KeySignatureWorker.Results>request(KeySignatureWorker.ADDRESS,
            new KeySignatureWorker.Batch(batch.stream().map(Pending::item).toList()), options)
        .onSuccess(reply -> {
          List<SignatureCheck> checks = reply.body().checks();
          for (int i = 0; i < batch.size(); i++) batch.get(i).check().complete(checks.get(i));
        })
        .onFailure(e -> batch.forEach(p -> p.check().fail(e)));
  }
}
