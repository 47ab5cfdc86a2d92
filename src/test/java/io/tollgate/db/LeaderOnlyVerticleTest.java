package io.tollgate.db;

import static io.tollgate.testing.Async.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Codecs;
import io.tollgate.testing.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leader election on a real PostgreSQL advisory lock: each "instance" is its own Vert.x with its
 * own LeaderOnlyVerticle, as two Tollgate processes sharing one database are. The leader's work
 * reports each term's start and stop through futures, so nothing here polls.
 */
class LeaderOnlyVerticleTest {
  private static final Duration RETRY = Duration.ofMillis(100);
  /** First half of Tollgate's lock keys ("toll"), as LeaderOnlyVerticle takes them. */
  private static final long NAMESPACE = 0x746f6c6cL;

  private static TestVertx env;
  private final List<Instance> instances = new CopyOnWriteArrayList<>();
  private int lockId;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @BeforeEach
  void newLock() {
    lockId = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
  }

  @AfterEach
  void closeInstances() {
    for (Instance instance : instances) await(instance.vertx.close());
  }

  /** The leader's work during one term: it says when it started and when it was stopped. */
  static final class Work extends VerticleBase {
    final Promise<Void> stopped = Promise.promise();
    private final Promise<Work> started;

    Work(Promise<Work> started) {
      this.started = started;
    }

    @Override
    public Future<?> start() {
      started.complete(this);
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      stopped.complete();
      return Future.succeededFuture();
    }
  }

  /** One process: a Vert.x, its LeaderOnlyVerticle and the terms it has led. */
  final class Instance {
    final Vertx vertx = Vertx.vertx();
    final Map<Integer, Promise<Work>> terms = new ConcurrentHashMap<>();
    /** What this instance announced on the event bus, in order. */
    final List<Boolean> announced = new CopyOnWriteArrayList<>();
    final LeaderOnlyVerticle verticle;
    final String deploymentId;
    private int led;

    Instance() {
      Codecs.register(vertx, List.of(LeadershipChanged.class));
      await(vertx.eventBus().<LeadershipChanged>localConsumer(Addresses.LEADERSHIP_CHANGED, m -> {
        assertThat(m.body().lockId()).isEqualTo(lockId);
        announced.add(m.body().leading());
      }).completion());
      verticle = new LeaderOnlyVerticle(env.db(), lockId, "test leader", () -> new Work(term(led++)), RETRY);
      deploymentId = await(vertx.deployVerticle(verticle));
      instances.add(this);
    }

    /** Completes when this instance starts its {@code n}th term as leader (0 is the first). */
    Future<Work> termStarted(int n) {
      return term(n).future();
    }

    private Promise<Work> term(int n) {
      return terms.computeIfAbsent(n, i -> Promise.promise());
    }

    boolean everLed() {
      return terms.containsKey(0) && terms.get(0).future().isComplete();
    }

    void stop() {
      await(vertx.undeploy(deploymentId));
    }
  }

  /** Lets retries run for a while (several retry intervals): for "and nothing else happens". */
  private static void settle(Instance on) {
    await(on.vertx.timer(RETRY.toMillis() * 5));
  }

  private long lockHolders() {
    return env.count("""
        SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()
          AND l.classid::bigint = $1 AND l.objid::bigint = $2""", NAMESPACE, (long) lockId);
  }

  @Test
  void shouldLetExactlyOneOfTwoInstancesLead() {
    Instance a = new Instance();
    Instance b = new Instance();

    await(Future.any(a.termStarted(0), b.termStarted(0)));
    settle(a);

    Instance leader = a.everLed() ? a : b;
    Instance standby = leader == a ? b : a;
    assertThat(standby.everLed()).as("the standby never started the work").isFalse();
    assertThat(leader.verticle.leading()).isTrue();
    assertThat(standby.verticle.leading()).isFalse();
    assertThat(lockHolders()).isEqualTo(1);
  }

  @Test
  void shouldHandTheLeadToTheStandbyWhenTheLeaderStops() {
    Instance a = new Instance();
    Instance b = new Instance();
    Work first = await(Future.any(a.termStarted(0), b.termStarted(0)).map(done -> a.everLed()
        ? a.termStarted(0).result() : b.termStarted(0).result()));
    Instance leader = a.everLed() ? a : b;
    Instance standby = leader == a ? b : a;

    leader.stop();

    await(first.stopped.future());
    await(standby.termStarted(0));
    settle(standby);
    assertThat(standby.verticle.leading()).isTrue();
    // The leader may be stopped before its term was announced; then it announces neither.
    assertThat(leader.announced).as("a lead announced is announced lost").isIn(List.of(), List.of(true, false));
    assertThat(standby.announced).containsExactly(true);
    assertThat(lockHolders()).isEqualTo(1);
  }

  @Test
  void shouldStopTheWorkWhenTheLockConnectionIsLostAndLeadAgainOnceItCan() {
    Instance only = new Instance();
    Work first = await(only.termStarted(0));

    env.sql("""
        SELECT pg_terminate_backend(l.pid) FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1 AND l.objid::bigint = $2""",
        NAMESPACE, (long) lockId);

    await(first.stopped.future());
    Work second = await(only.termStarted(1));
    assertThat(second).isNotSameAs(first);
    settle(only);
    assertThat(only.verticle.leading()).isTrue();
    assertThat(lockHolders()).isEqualTo(1);
    assertThat(only.announced).as("each change of lead is announced").containsExactly(true, false, true);
  }

  @Test
  void shouldReleaseTheLockWhenTheLeaderStopsSoNoOneHoldsIt() {
    Instance only = new Instance();
    Work first = await(only.termStarted(0));

    only.stop();

    assertThat(first.stopped.future().isComplete()).as("the work stops with the leader").isTrue();
    // The client has closed the connection; the server ends its backend (and lock) right after.
    await(env.vertx().timer(200));
    assertThat(lockHolders()).isZero();
  }
}
