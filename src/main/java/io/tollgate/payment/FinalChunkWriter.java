package io.tollgate.payment;

import io.tollgate.checkout.StatusNotifications;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The finality re-check's {@link Verdict.Final} verdicts of a round, written set-based in one
 * transaction: the same compare-and-set as {@link FinalityRecorder} (a confirmed payment, not yet
 * final, still in the block it was confirmed in), the checkouts' versions moved so polls and ETags
 * show {@code final}, and one notification per checkout. In a ticket drop every payment becomes
 * final a few blocks after it paid, so one transaction per payment would double the drop's writes
 * and queue them in front of the payments still waiting for {@code paid}.
 *
 * <p>Rows are locked in id order, payments before checkouts, as everywhere else in the ledger.
 */
final class FinalChunkWriter {
  private FinalChunkWriter() {}

  static Future<Void> finalAll(SqlConnection conn, List<VerdictMessage> verdicts) {
    Long[] ids = new Long[verdicts.size()];
    String[] hashes = new String[verdicts.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = verdicts.get(i).payment().paymentId();
      hashes[i] = ((Verdict.Final) verdicts.get(i).verdict()).blockHash();
    }
    return conn.preparedQuery("""
            WITH v AS MATERIALIZED (SELECT * FROM unnest($1::bigint[], $2::text[]) AS v(id, block_hash)),
                 locked AS MATERIALIZED (SELECT p.id, p.checkout_id FROM payments p JOIN v ON v.id = p.id
                                         WHERE p.status = 'confirmed' AND NOT p.final AND p.block_hash = v.block_hash
                                         ORDER BY p.id FOR UPDATE OF p),
                 finalised AS (UPDATE payments p SET final = true, final_at = now(), finality_misses = 0, updated_at = now()
                               FROM locked WHERE p.id = locked.id
                               RETURNING p.checkout_id),
                 checkouts_locked AS MATERIALIZED (SELECT c.id FROM checkouts c
                                                   WHERE c.id IN (SELECT checkout_id FROM locked) ORDER BY c.id FOR UPDATE)
            UPDATE checkouts c SET version = c.version + 1, updated_at = now()
            FROM checkouts_locked l WHERE c.id = l.id AND EXISTS (SELECT 1 FROM finalised f WHERE f.checkout_id = c.id)
            RETURNING c.id""")
        .execute(Tuple.tuple().addValue(ids).addValue(hashes))
        .compose(rows -> {
          List<UUID> changed = new ArrayList<>();
          for (Row row : rows) changed.add(row.getUUID("id"));
          return StatusNotifications.checkoutsChanged(conn, changed.toArray(UUID[]::new));
        });
  }
}
