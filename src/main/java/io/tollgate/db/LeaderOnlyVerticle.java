package io.tollgate.db;

import io.tollgate.eventbus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Deployable;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a verticle on exactly one of the instances sharing a database: the one holding a PostgreSQL
 * advisory lock on a dedicated connection. The others retry; when the holder dies its connection
 * closes, the lock is released, and another instance takes over within {@code retryInterval}.
 * Used for chain watchers, whose work is safe to duplicate (verdicts are compare-and-set) but costly.
 * Each change of lead is published as a {@link LeadershipChanged} on
 * {@link Addresses#LEADERSHIP_CHANGED}, local to this instance.
 */
public final class LeaderOnlyVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderOnlyVerticle.class);
  /** First half of every Tollgate lock key ("toll"), so other applications' locks cannot collide. */
  private static final int NAMESPACE = 0x746f6c6c;

  private final DatabaseSettings db;
  private final int lockId;
  private final String name;
  private final Supplier<Deployable> leaderWork;
  private final Duration retryInterval;
  private PgConnection lockConnection;
  private String deploymentId;
  private long retryTimer = -1;
  private boolean stopping;

  public LeaderOnlyVerticle(DatabaseSettings db, int lockId, String name, Supplier<Deployable> leaderWork, Duration retryInterval) {
    this.db = db;
    this.lockId = lockId;
    this.name = name;
    this.leaderWork = leaderWork;
    this.retryInterval = retryInterval;
  }

  /** Ready at once: whether this instance leads is decided in the background. */
  @Override
  public Future<?> start() {
    tryToLead();
    return Future.succeededFuture();
  }

  private void tryToLead() {
    retryTimer = -1;
    if (stopping) return;
    PgConnection.connect(vertx, db.connectOptions())
        .compose(conn -> conn.preparedQuery("SELECT pg_try_advisory_lock($1, $2) AS locked")
            .execute(Tuple.of(NAMESPACE, lockId))
            .compose(rows -> {
              if (!rows.iterator().next().getBoolean("locked")) return conn.close().map(false);
              lockConnection = conn;
              // The close that follows is what matters (lostLead); unhandled, the client prints the stack trace.
              conn.exceptionHandler(e -> LOG.debug("{}: lock connection failed: {}", name, e.toString()));
              conn.closeHandler(v -> lostLead());
              return vertx.deployVerticle(leaderWork.get())
                  .onSuccess(id -> {
                    deploymentId = id;
                    LOG.info("{}: this instance leads", name);
                    announce(true);
                  })
                  .map(true);
            }))
        .onFailure(e -> LOG.warn("{}: could not take the lead: {}", name, e.toString()))
        .onComplete(led -> {
          if (led.failed() || !led.result()) scheduleRetry();
        });
  }

  private void lostLead() {
    lockConnection = null;
    if (stopping) return;
    LOG.warn("{}: lost the lock connection; stopping the leader's work and retrying", name);
    String id = deploymentId;
    deploymentId = null;
    if (id != null) announce(false);
    (id == null ? Future.succeededFuture() : vertx.undeploy(id)).onComplete(done -> scheduleRetry());
  }

  private void announce(boolean leading) {
    vertx.eventBus().publish(Addresses.LEADERSHIP_CHANGED, new LeadershipChanged(name, lockId, leading),
        new DeliveryOptions().setLocalOnly(true));
  }

  private void scheduleRetry() {
    if (!stopping && retryTimer < 0) retryTimer = vertx.setTimer(retryInterval.toMillis(), t -> tryToLead());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
    // The leader's work was deployed from this verticle, so Vert.x undeploys it with this one and
    // may have done so already: undeploying it again would fail with "Unknown deployment".
    if (deploymentId != null) announce(false);
    Future<Void> work = deploymentId == null || !vertx.deploymentIDs().contains(deploymentId)
        ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    return work.compose(v -> lockConnection == null ? Future.succeededFuture() : lockConnection.close());
  }

  /** Whether this instance currently runs the leader's work. */
  boolean leading() {
    return deploymentId != null;
  }
}
