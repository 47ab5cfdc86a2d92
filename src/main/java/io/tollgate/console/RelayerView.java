package io.tollgate.console;

import io.tollgate.api.Rfc3339;
import io.tollgate.relay.OpenRelay;
import io.tollgate.relay.RelayCapacity;
import io.tollgate.relay.Relayer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Each relayer key's funds and its unsettled relays, oldest first, those past {@link #STUCK_AFTER}
 * or bumped marked {@code stuck}. The funds are {@link Relayer#capacity}'s: a reading a few seconds
 * old at most, so a console refreshing every few seconds costs about one balance call per chain.
 */
public final class RelayerView {
  /** Well past a few blocks on any chain we serve: a relay older than this unmined wants a look. */
  static final Duration STUCK_AFTER = Duration.ofSeconds(60);
  static final int MAX_OPEN = 50;

  private final Relayer relayer;
  private final Clock clock;

  RelayerView(Relayer relayer, Clock clock) {
    this.relayer = relayer;
    this.clock = clock;
  }

  public Future<JsonObject> relayers() {
    List<Future<JsonObject>> chains = new ArrayList<>();
    for (long chainId : relayer.chains().stream().sorted().toList()) {
      Future<JsonObject> funds = relayer.capacity(chainId).map(RelayerView::funds)
          // a chain that cannot be asked right now still shows its queue
          .recover(e -> Future.succeededFuture(new JsonObject().put("chainId", chainId).put("fundsError", e.getMessage())));
      Future<JsonArray> open = relayer.openRelays(chainId, MAX_OPEN).map(this::open);
      chains.add(Future.all(funds, open).map(both -> funds.result().put("openRelays", open.result())));
    }
    return Future.all(chains).map(all -> {
      JsonArray data = new JsonArray();
      chains.forEach(c -> data.add(c.result()));
      return new JsonObject().put("data", data);
    });
  }

  private static JsonObject funds(RelayCapacity c) {
    return new JsonObject().put("chainId", c.chainId()).put("relayer", c.relayer().orElse(null))
        .put("balanceWei", c.balanceWei().toString()).put("costPerRelayWei", c.costPerRelayWei().toString())
        .put("inFlight", c.inFlight()).put("relaysLeft", c.relaysLeft()).put("warnBelowRelays", c.warnBelow())
        .put("low", c.low()).put("canPayNext", c.canPayNext());
  }

  private JsonArray open(List<OpenRelay> relays) {
    Instant now = clock.instant();
    JsonArray out = new JsonArray();
    for (OpenRelay r : relays) {
      long age = Duration.between(r.createdAt(), now).toSeconds();
      out.add(new JsonObject().put("relayId", r.relayId().toString()).put("state", r.state().name())
          .put("purpose", r.purpose()).put("from", r.from()).put("txNonce", r.txNonce().orElse(null))
          .put("txHash", r.txHash().orElse(null)).put("bumps", r.bumps()).put("cancelling", r.cancelling())
          .put("broadcastAt", r.broadcastAt().map(Rfc3339::format).orElse(null))
          .put("createdAt", Rfc3339.format(r.createdAt())).put("validBefore", Rfc3339.format(r.validBefore()))
          .put("ageSeconds", age).put("stuck", r.bumps() > 0 || r.cancelling() || age >= STUCK_AFTER.toSeconds()));
    }
    return out;
  }
}
