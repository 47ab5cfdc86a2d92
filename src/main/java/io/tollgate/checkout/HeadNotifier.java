package io.tollgate.checkout;

import io.tollgate.chain.HeadListener;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every instance about each new chain head (one NOTIFY per block), so their status views can
 * show "confirmations n/m" without a write per payment.
 */
public final class HeadNotifier implements HeadListener {
  private static final Logger LOG = LoggerFactory.getLogger(HeadNotifier.class);
  private final Pool pool;
  private final ChainHeads local;

  public HeadNotifier(Pool pool, ChainHeads local) {
    this.pool = pool;
    this.local = local;
  }

  @Override
  public void onHead(long chainId, long blockNumber, Instant blockTime) {
    local.advance(chainId, blockNumber);
    pool.preparedQuery("SELECT pg_notify('" + StatusFeedVerticle.HEAD_CHANNEL + "', $1)")
        .execute(Tuple.of(new JsonObject().put("chainId", chainId).put("head", blockNumber).encode()))
        .onFailure(e -> LOG.debug("head notification for chain {} failed: {}", chainId, e.toString()));
  }
}
