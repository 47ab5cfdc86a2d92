package io.tollgate.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OperatorAlertsTest {
  private final MutableClock clock = MutableClock.atNow();
  private final List<JsonObject> posted = new ArrayList<>();
  private final AtomicLong counter = new AtomicLong();
  private final OperatorAlerts alerts = new OperatorAlerts(clock, event -> {
    posted.add(event);
    return Future.succeededFuture();
  }, counter);

  private static RelayCapacity capacity(long relaysLeft) {
    return new RelayCapacity(8453, Optional.of("0xabc"), BigInteger.valueOf(relaysLeft * 1000), BigInteger.valueOf(1000), 0,
        relaysLeft, 10);
  }

  @Test
  void warnsOnceWhenTheKeyGoesLowThenAgainOnlyAfterTheRepeatInterval() {
    alerts.check(capacity(50));
    assertThat(posted).isEmpty();
    alerts.check(capacity(9));
    alerts.check(capacity(8));
    assertThat(posted).hasSize(1);
    assertThat(counter.get()).isEqualTo(1);
    JsonObject event = posted.get(0);
    assertThat(event.getString("type")).isEqualTo("relayer.balance_low");
    assertThat(event.getString("createdAt")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(event.getJsonObject("data").getLong("relaysLeft")).isEqualTo(9);
    assertThat(event.getJsonObject("data").getString("balanceWei")).isEqualTo("9000");
    assertThat(event.getJsonObject("data").getBoolean("canPayNextRelay")).isTrue();

    clock.advance(OperatorAlerts.REPEAT.plus(Duration.ofSeconds(1)));
    alerts.check(capacity(0));
    assertThat(posted).hasSize(2);
    assertThat(posted.get(1).getJsonObject("data").getBoolean("canPayNextRelay")).isFalse();

    alerts.check(capacity(100)); // topped up
    alerts.check(capacity(3)); // low again: told at once
    assertThat(posted).hasSize(3);
    assertThat(counter.get()).isEqualTo(3);
  }

  @Test
  void withoutAnOperatorEndpointStillCounts() {
    OperatorAlerts quiet = new OperatorAlerts(clock, null, counter);
    quiet.check(capacity(1));
    assertThat(counter.get()).isEqualTo(1);
  }
}
