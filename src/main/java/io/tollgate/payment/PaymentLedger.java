package io.tollgate.payment;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.StatusNotifications;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of checkout and payment state after creation. Every change is a compare-and-set
 * ({@code UPDATE ... WHERE status IN (...)}) in one transaction with its audit row, its listeners and
 * its status notification, so a replayed verdict, a duplicate submission or two instances racing
 * change nothing twice: of two verdicts that would both pay a checkout, exactly one does.
 */
public final class PaymentLedger {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentLedger.class);
  private static final String UNIQUE_VIOLATION = "23505";
  /** How long a hash submitted after expiry may take to be mined before it is rejected. */
  static final java.time.Duration LATE_SUBMISSION_GRACE = java.time.Duration.ofMinutes(15);

  private final Pool pool;
  private final TransitionLog transitions;
  private final VerdictWriteSettings verdictWrites;

  public PaymentLedger(Pool pool, TransitionLog transitions) {
    this(pool, transitions, VerdictWriteSettings.defaults());
  }

  public PaymentLedger(Pool pool, TransitionLog transitions, VerdictWriteSettings verdictWrites) {
    this.pool = pool;
    this.transitions = transitions;
    this.verdictWrites = verdictWrites;
  }

  /**
   * Records a checkout's claim on a transaction. Hashes are public, so a claim decides nothing about
   * whose money it is: several checkouts may claim one hash, the chain watcher judges each against
   * its own checkout (bound payer, amount, recipient), and the unique index on credited claims
   * decides races. Refused at once: a checkout whose merchant requires a bound payer and has none
   * ({@code payer_not_bound}), and a hash already credited to a checkout ({@code tx_hash_already_used}).
   * A checkout claiming the same hash again gets the claim's current state, not an error: the
   * buyer's first answer may have been lost.
   */
  public Future<CheckoutStatus> submit(PaymentSubmission s) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE checkouts c SET status = 'pending', status_reason = NULL, version = version + 1, updated_at = now()
                FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
                WHERE c.id = old.id AND c.status IN ('open', 'pending', 'failed') AND c.expires_at > now()
                  AND """ + ATTRIBUTABLE + """

                RETURNING old.status AS old_status""")
            .execute(Tuple.of(s.checkoutId()))
            .compose(claimed -> claimed.rowCount() == 1
                ? insertPayment(conn, s, claimed.iterator().next().getString("old_status"), "pending", null)
                : claimLate(conn, s))
            .compose(ignored -> StatusNotifications.checkoutChanged(conn, s.checkoutId()))
            .compose(ignored -> snapshot(conn, s.checkoutId())))
        .recover(e -> isRepeatedClaim(e)
            ? pool.withConnection(conn -> snapshot(conn, s.checkoutId()))
            : Future.failedFuture(e));
  }

  /**
   * The condition (on checkouts {@code c}) under which a direct transfer can be attributed to the
   * checkout: a bound payer, or a merchant that made binding optional.
   */
  private static final String ATTRIBUTABLE = """
      (c.payer IS NOT NULL
       OR EXISTS (SELECT 1 FROM merchants m WHERE m.id = c.merchant_id AND m.payer_binding = 'optional'))""";

  private static boolean isRepeatedClaim(Throwable e) {
    return e instanceof RepeatedClaim
        || e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState()) && "payments_claim_once".equals(pg.getConstraint());
  }

  /** Rolls back a submission that repeats this checkout's claim; answered with the claim's current state. */
  private static final class RepeatedClaim extends RuntimeException {
    RepeatedClaim() {
      super("checkout already claims this transaction", null, false, false);
    }
  }

  /**
   * A hash for a checkout past its expiry that was never paid: the buyer may already have paid, and
   * money is never dropped on the floor. The checkout is (or now becomes) expired and stays so; the
   * payment is verified like any other and, if it pays, recorded as a late payment.
   */
  private Future<Void> claimLate(SqlConnection conn, PaymentSubmission s) {
    return conn.preparedQuery("""
            UPDATE checkouts c SET status = 'expired', version = c.version + 1, updated_at = now()
            FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
            WHERE c.id = old.id AND c.expires_at <= now() AND c.status IN ('open', 'failed', 'expired')
              AND c.paid_payment_id IS NULL AND c.paid_processor_payment_id IS NULL
              AND """ + ATTRIBUTABLE + """

            RETURNING old.status AS old_status""")
        .execute(Tuple.of(s.checkoutId()))
        .compose(late -> {
          if (late.rowCount() == 0) return whyNotPayable(conn, s);
          String old = late.iterator().next().getString("old_status");
          // Not swept yet: record the expiry the sweeper would have recorded, so the shop hears of it.
          Future<Void> expiry = "expired".equals(old) ? Future.succeededFuture()
              : transitions.record(conn, new CheckoutTransition(s.checkoutId(), null, old, "expired", null, s.actor(), null));
          return expiry.compose(ignored -> insertPayment(conn, s, "expired", "expired", "late_payment_submitted"));
        });
  }

  /**
   * Inserts the claim unless the option is not the checkout's or the hash is already credited; the
   * option check and the credit check ride on the insert, so the usual submission costs no extra
   * round trip.
   */
  private Future<Void> insertPayment(SqlConnection conn, PaymentSubmission s, String oldStatus, String newStatus,
      String reason) {
    return conn.preparedQuery("""
            INSERT INTO payments (checkout_id, chain_id, token, tx_hash, status, submitted_at, updated_at)
            SELECT $1, $2, $3, $4, 'submitted', now(), now()
            WHERE EXISTS (SELECT 1 FROM payment_options WHERE checkout_id = $1 AND chain_id = $2 AND token = $3)
              AND NOT EXISTS (SELECT 1 FROM payments WHERE tx_hash = $4 AND status = 'confirmed')
            RETURNING id""")
        .execute(Tuple.of(s.checkoutId(), s.chainId(), s.token(), s.txHash()))
        .compose(inserted -> inserted.rowCount() == 1
            ? transitions.record(conn, new CheckoutTransition(s.checkoutId(), inserted.iterator().next().getLong("id"),
                oldStatus, newStatus, reason, s.actor(),
                new JsonObject().put("txHash", s.txHash()).put("chainId", s.chainId()).put("token", s.token())))
            : whyNotInserted(conn, s));
  }

  private Future<Void> whyNotInserted(SqlConnection conn, PaymentSubmission s) {
    return conn.preparedQuery("""
            SELECT EXISTS (SELECT 1 FROM payments WHERE checkout_id = $1 AND tx_hash = $4) AS repeated,
                   EXISTS (SELECT 1 FROM payment_options WHERE checkout_id = $1 AND chain_id = $2 AND token = $3) AS offered""")
        .execute(Tuple.of(s.checkoutId(), s.chainId(), s.token(), s.txHash()))
        .compose(rows -> {
          Row row = rows.iterator().next();
          if (row.getBoolean("repeated")) return Future.failedFuture(new RepeatedClaim());
          return Future.failedFuture(row.getBoolean("offered")
              ? new ApiException(ErrorCode.TX_HASH_ALREADY_USED, "this transaction already paid another checkout")
              : notOffered(s));
        });
  }

  private static ApiException notOffered(PaymentSubmission s) {
    return new ApiException(ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE,
        s.token() + " on chain " + s.chainId() + " is not an option of this checkout");
  }

  private Future<Void> whyNotPayable(SqlConnection conn, PaymentSubmission s) {
    return conn.preparedQuery("""
            SELECT c.status, c.expires_at <= now() AS expired, NOT """ + ATTRIBUTABLE + """
             AS unbound,
                   EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = c.id AND p.tx_hash = $2) AS repeated,
                   EXISTS (SELECT 1 FROM payment_options o WHERE o.checkout_id = c.id AND o.chain_id = $3 AND o.token = $4)
                     AS offered
            FROM checkouts c WHERE c.id = $1""")
        .execute(Tuple.of(s.checkoutId(), s.txHash(), s.chainId(), s.token()))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND));
          Row row = rows.iterator().next();
          if (row.getBoolean("repeated")) return Future.failedFuture(new RepeatedClaim());
          // A request to fix comes before a state to change: the option, then the binding.
          if (!row.getBoolean("offered")) return Future.failedFuture(notOffered(s));
          String status = row.getString("status");
          boolean expired = row.getBoolean("expired") && !"paid".equals(status);
          if (row.getBoolean("unbound") && !expired && !"paid".equals(status)) {
            return Future.failedFuture(new ApiException(ErrorCode.PAYER_NOT_BOUND));
          }
          return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_PAYABLE,
              "checkout is " + (expired ? "expired" : status)));
        });
  }

  /** Records what the chain said about a payment. Idempotent: a verdict already recorded changes nothing. */
  public Future<Void> record(long paymentId, UUID checkoutId, Verdict verdict, String actor) {
    return pool.withTransaction(conn -> {
      Future<Boolean> changed;
      if (verdict instanceof Verdict.NotMined) {
        changed = reorged(conn, paymentId, checkoutId, actor);
      } else if (verdict instanceof Verdict.PaidLate late) {
        // Unconfirmed late payments wait for their confirmations like any other; nothing to store yet.
        changed = late.paying().confirmed() ? paidLate(conn, paymentId, checkoutId, late.paying(), actor)
            : Future.succeededFuture(false);
      } else if (verdict instanceof Verdict.Paying paying) {
        changed = paying.confirmed()
            ? confirm(conn, paymentId, checkoutId, paying, actor)
            : mined(conn, paymentId, checkoutId, paying, actor);
      } else {
        changed = reject(conn, paymentId, checkoutId, (Verdict.Rejected) verdict, actor);
      }
      return changed.compose(c -> c ? StatusNotifications.checkoutChanged(conn, checkoutId) : Future.<Void>succeededFuture());
    });
  }

  /**
   * Records a chain watcher's round. Paying verdicts, the bulk of a ticket drop's writes (a receipt
   * first seen, a confirmation that pays a checkout), are written set-based ({@link #confirmAll},
   * {@link #minedAll}) in chunks of at most {@link VerdictWriteSettings#chunkSize()} verdicts, each
   * chunk its own transaction on its own pooled connection, up to
   * {@link VerdictWriteSettings#chunksInFlight()} at once: PostgreSQL runs a transaction on one
   * core, and a chunk's payments are published as soon as that chunk commits, not when the whole
   * block is written. A chunk holds only confirmations or only first receipts, of distinct
   * checkouts (a second paying verdict for a checkout already in the round is recorded one by one,
   * as are the rest, as by {@link #record}), so chunks never touch the same payment or checkout
   * row. If a chunk's transaction fails as a whole (a deadlock with another writer, say), that
   * chunk's verdicts are recorded one by one; the other chunks are not held up. Fails if any
   * verdict could not be recorded; those are reported again on a later head.
   */
  public Future<Void> recordAll(List<VerdictMessage> verdicts) {
    List<VerdictMessage> confirming = new ArrayList<>();
    List<VerdictMessage> mining = new ArrayList<>();
    List<VerdictMessage> others = new ArrayList<>();
    Set<UUID> batched = new HashSet<>();
    for (VerdictMessage v : verdicts) {
      if (v.verdict() instanceof Verdict.Paying p && batched.add(v.payment().checkoutId())) {
        (p.confirmed() ? confirming : mining).add(v);
      } else {
        others.add(v);
      }
    }
    List<Chunk> chunks = new ArrayList<>();
    if (confirming.size() + mining.size() == 1) {
      others.addAll(confirming);
      others.addAll(mining);
    } else {
      chunks.addAll(chunks(confirming, true));
      chunks.addAll(chunks(mining, false));
    }
    List<Future<Void>> writes = new ArrayList<>();
    writes.add(writeChunks(chunks));
    others.forEach(v -> writes.add(record(v)));
    return Future.join(writes).mapEmpty();
  }

  /** Paying verdicts of distinct checkouts written in one transaction, all confirmations or all first receipts. */
  private record Chunk(boolean confirming, List<VerdictMessage> verdicts) {}

  /**
   * Splits {@code verdicts} into as few chunks as the chunk size allows, of near-equal size (170
   * at 64 → 3 of 56-57, not 2 of 64 and one of 42, so they finish together), in payment id order:
   * the earliest submitted payments go first.
   */
  private List<Chunk> chunks(List<VerdictMessage> verdicts, boolean confirming) {
    if (verdicts.isEmpty()) return List.of();
    List<VerdictMessage> sorted = new ArrayList<>(verdicts);
    sorted.sort(Comparator.comparingLong(v -> v.payment().paymentId()));
    int n = sorted.size();
    int count = (n + verdictWrites.chunkSize() - 1) / verdictWrites.chunkSize();
    List<Chunk> chunks = new ArrayList<>(count);
    int from = 0;
    for (int i = 0; i < count; i++) {
      int to = from + n / count + (i < n % count ? 1 : 0);
      chunks.add(new Chunk(confirming, List.copyOf(sorted.subList(from, to))));
      from = to;
    }
    return chunks;
  }

  /**
   * Writes the chunks with at most {@code chunksInFlight} transactions at once. Each writer takes
   * the next unwritten chunk when it is done with one (not a fixed share), so a slow or failing
   * chunk holds up only its own writer while the others write the rest. Fails (after every chunk
   * was tried) if any chunk left verdicts unrecorded.
   */
  private Future<Void> writeChunks(List<Chunk> chunks) {
    if (chunks.isEmpty()) return Future.succeededFuture();
    AtomicInteger next = new AtomicInteger();
    Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Future<Void>> writers = new ArrayList<>();
    for (int i = 0; i < Math.min(verdictWrites.chunksInFlight(), chunks.size()); i++) {
      writers.add(writeNext(chunks, next, failures));
    }
    return Future.join(writers)
        .compose(ignored -> failures.isEmpty() ? Future.<Void>succeededFuture() : Future.failedFuture(failures.peek()));
  }

  private Future<Void> writeNext(List<Chunk> chunks, AtomicInteger next, Queue<Throwable> failures) {
    int i = next.getAndIncrement();
    if (i >= chunks.size()) return Future.succeededFuture();
    return write(chunks.get(i))
        .recover(e -> {
          failures.add(e);
          return Future.succeededFuture();
        })
        .compose(ignored -> writeNext(chunks, next, failures));
  }

  private Future<Void> write(Chunk chunk) {
    // BEGIN and the chunk's first statements go out together: on the way from a block to `paid`.
    return Transactions.pipelined(pool, conn -> chunk.confirming() ? confirmAll(conn, chunk.verdicts()) : minedAll(conn, chunk.verdicts()))
        .recover(e -> {
          LOG.warn("set-based recording of a chunk of {} paying verdicts failed, recording them one by one: {}",
              chunk.verdicts().size(), e.toString());
          return oneByOne(chunk.verdicts());
        });
  }

  /**
   * Records each verdict in its own transaction, one after another: a failed chunk's fallback holds
   * one pooled connection at a time, like the chunk did, instead of asking for a chunk's worth.
   * Fails with the first failure once every verdict was tried.
   */
  private Future<Void> oneByOne(List<VerdictMessage> verdicts) {
    List<Throwable> failures = new ArrayList<>(); // appended to by one callback at a time, in order
    Future<Void> chain = Future.succeededFuture();
    for (VerdictMessage v : verdicts) {
      chain = chain.compose(ignored -> record(v).recover(e -> {
        failures.add(e);
        return Future.succeededFuture();
      }));
    }
    return chain.compose(ignored -> failures.isEmpty() ? Future.<Void>succeededFuture() : Future.failedFuture(failures.get(0)));
  }

  private Future<Void> record(VerdictMessage v) {
    return record(v.payment().paymentId(), v.payment().checkoutId(), v.verdict(), actor(v));
  }

  private static String actor(VerdictMessage v) {
    return "chain:" + v.payment().expectation().chainId();
  }

  /**
   * Stores the paying verdicts' block facts on their payments with {@code status} (a compare-and-set
   * from submitted or mined, locking in id order) and answers the verdicts whose payment moved; the
   * others were recorded before (a replay). {@code onlyNewBlock} skips a payment already recorded
   * in the same block.
   */
  private static Future<List<VerdictMessage>> storePaying(SqlConnection conn, List<VerdictMessage> verdicts, String status,
      boolean onlyNewBlock) {
    int n = verdicts.size();
    Long[] ids = new Long[n];
    Long[] blocks = new Long[n];
    String[] hashes = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    String[] payers = new String[n];
    String[] amounts = new String[n];
    Map<Long, VerdictMessage> byPayment = new HashMap<>();
    for (int i = 0; i < n; i++) {
      VerdictMessage v = verdicts.get(i);
      Verdict.Paying p = (Verdict.Paying) v.verdict();
      ids[i] = v.payment().paymentId();
      blocks[i] = p.blockNumber();
      hashes[i] = p.blockHash();
      times[i] = utc(p);
      payers[i] = p.payer();
      amounts[i] = p.amount().toString();
      byPayment.put(ids[i], v);
    }
    // The locking subquery is a MATERIALIZED CTE so that it runs once: as a plain IN (subquery),
    // statistics that see few active payments (just submitted, not yet analyzed: a drop) made the
    // planner re-run it for every row, O(n²) (29 ms instead of 5 ms for 170 payments).
    return conn.preparedQuery("""
            WITH locked AS MATERIALIZED (SELECT id FROM payments WHERE id = ANY ($1) ORDER BY id FOR UPDATE)
            UPDATE payments p SET status = $7, block_number = v.block_number, block_hash = v.block_hash,
                                  block_time = v.block_time, payer = v.payer, amount_base = v.amount_base::numeric,
                                  updated_at = now()
            FROM locked JOIN unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
                 AS v(id, block_number, block_hash, block_time, payer, amount_base) ON v.id = locked.id
            WHERE p.id = locked.id AND p.status IN ('submitted', 'mined')
              AND (NOT $8 OR p.block_hash IS DISTINCT FROM v.block_hash)
            RETURNING p.id""")
        .execute(Tuple.of(ids, blocks, hashes, times, payers, amounts, status, onlyNewBlock))
        .map(updated -> {
          List<VerdictMessage> moved = new ArrayList<>();
          updated.forEach(row -> moved.add(byPayment.get(row.getLong("id"))));
          return moved;
        });
  }

  /**
   * {@link #confirm} for many payments of distinct checkouts in one transaction: the payments'
   * compare-and-set and the checkouts' (each paid by its payment, or the payment flagged
   * {@code checkout_already_paid}), sent together; then the flags, the audit rows, the outbox and
   * one notification per checkout, sent together. Rows are locked in id order, payments before
   * checkouts, as everywhere else: PostgreSQL runs one connection's statements one after another.
   */
  private Future<Void> confirmAll(SqlConnection conn, List<VerdictMessage> verdicts) {
    if (verdicts.isEmpty()) return Future.succeededFuture();
    Long[] payments = verdicts.stream().map(v -> v.payment().paymentId()).toArray(Long[]::new);
    Future<List<VerdictMessage>> stored = storePaying(conn, verdicts, "confirmed", false);
    // Sent without waiting for the payments' answer, so it cannot take the payments that moved
    // from it: it takes the batch's payments that are confirmed (on time) now. One confirmed
    // before (a replay) already paid its checkout or was flagged rejected, so it changes nothing
    // here; the check below fails the chunk (recorded one by one instead) if that ever stops being
    // true. Checkouts are locked once, in id order, by a MATERIALIZED CTE (see storePaying).
    Future<RowSet<Row>> paying = conn.preparedQuery("""
            WITH confirmed AS MATERIALIZED (SELECT checkout_id, id AS payment_id FROM payments
                                            WHERE id = ANY ($1) AND status = 'confirmed' AND NOT late),
                 old AS MATERIALIZED (SELECT id, status FROM checkouts
                                      WHERE id IN (SELECT checkout_id FROM confirmed) ORDER BY id FOR UPDATE)
            UPDATE checkouts c SET status = 'paid', status_reason = NULL, paid_payment_id = v.payment_id,
                                   version = c.version + 1, updated_at = now()
            FROM old JOIN confirmed v ON v.checkout_id = old.id
            WHERE c.id = old.id AND (c.status IN ('open', 'pending', 'failed')
              -- mined inside the window but submitted after expiry: when it is verified does not matter
              OR (c.status = 'expired' AND c.paid_payment_id IS NULL AND c.paid_processor_payment_id IS NULL))
            RETURNING c.id, v.payment_id, old.status AS old_status""")
        .execute(Tuple.of(payments));
    // join, not all: on a failure, both statements have answered before the transaction is rolled back.
    return Future.join(stored, paying).compose(ignored -> {
      List<VerdictMessage> moved = stored.result();
      Set<Long> movedPayments = new HashSet<>();
      moved.forEach(v -> movedPayments.add(v.payment().paymentId()));
      Map<UUID, String> oldStatus = new HashMap<>();
      for (Row row : paying.result()) {
        if (!movedPayments.contains(row.getLong("payment_id"))) {
          return Future.failedFuture(new IllegalStateException("checkout " + row.getUUID("id")
              + " paid by payment " + row.getLong("payment_id") + ", which was confirmed before this transaction"));
        }
        oldStatus.put(row.getUUID("id"), row.getString("old_status"));
      }
      if (moved.isEmpty()) return Future.succeededFuture();
      UUID[] checkouts = moved.stream().map(v -> v.payment().checkoutId()).toArray(UUID[]::new);
      List<CheckoutTransition> changes = new ArrayList<>(moved.size());
      List<Long> alreadyPaid = new ArrayList<>();
      for (VerdictMessage v : moved) {
        UUID checkout = v.payment().checkoutId();
        long payment = v.payment().paymentId();
        JsonObject facts = paymentFacts((Verdict.Paying) v.verdict());
        if (oldStatus.containsKey(checkout)) {
          changes.add(new CheckoutTransition(checkout, payment, oldStatus.get(checkout), "paid", null, actor(v), facts));
        } else {
          // Money arrived for a checkout something else already settled: keep the payment, flag it.
          alreadyPaid.add(payment);
          changes.add(new CheckoutTransition(checkout, payment, null, "payment_rejected",
              RejectionReason.CHECKOUT_ALREADY_PAID.code(), actor(v), facts));
        }
      }
      // Sent together; PostgreSQL runs them in this order, so the notified snapshots show the
      // flagged payments and no statement waits for the previous one's answer.
      Future<?> flagged = alreadyPaid.isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery("UPDATE payments SET status = 'rejected', reason = $2 WHERE id = ANY ($1)")
              .execute(Tuple.of(alreadyPaid.toArray(Long[]::new), RejectionReason.CHECKOUT_ALREADY_PAID.code()));
      Future<Void> recorded = transitions.recordAll(conn, changes);
      Future<Void> notified = StatusNotifications.checkoutsChanged(conn, checkouts);
      return Future.join(flagged, recorded, notified).<Void>mapEmpty();
    });
  }

  /**
   * {@link #mined} for many payments of distinct checkouts in one transaction: a paying receipt
   * seen, still short of its confirmations (the browser shows the count from the head).
   */
  private Future<Void> minedAll(SqlConnection conn, List<VerdictMessage> verdicts) {
    if (verdicts.isEmpty()) return Future.succeededFuture();
    return storePaying(conn, verdicts, "mined", true)
        .compose(moved -> {
          if (moved.isEmpty()) return Future.succeededFuture();
          UUID[] checkouts = moved.stream().map(v -> v.payment().checkoutId()).toArray(UUID[]::new);
          List<CheckoutTransition> changes = moved.stream().map(v -> {
            Verdict.Paying p = (Verdict.Paying) v.verdict();
            return new CheckoutTransition(v.payment().checkoutId(), v.payment().paymentId(), "pending", "pending", "mined",
                actor(v), new JsonObject().put("blockNumber", p.blockNumber()).put("blockHash", p.blockHash()));
          }).toList();
          // Sent together and run in this order: the notified snapshots carry the new version.
          Future<?> bumped = conn.preparedQuery("""
                  WITH locked AS MATERIALIZED (SELECT id FROM checkouts WHERE id = ANY ($1) ORDER BY id FOR UPDATE)
                  UPDATE checkouts c SET version = c.version + 1, updated_at = now() FROM locked WHERE c.id = locked.id""")
              .execute(Tuple.of(checkouts));
          Future<Void> recorded = transitions.recordAll(conn, changes);
          Future<Void> notified = StatusNotifications.checkoutsChanged(conn, checkouts);
          return Future.join(bumped, recorded, notified).<Void>mapEmpty();
        });
  }

  /**
   * The watcher reports NotMined only for a recorded receipt that is no longer on the canonical
   * chain: forget the block so the receipt is looked up again.
   */
  private Future<Boolean> reorged(SqlConnection conn, long paymentId, UUID checkoutId, String actor) {
    return conn.preparedQuery("""
            UPDATE payments SET status = 'submitted', block_number = NULL, block_hash = NULL, block_time = NULL,
                                payer = NULL, amount_base = NULL, updated_at = now()
            WHERE id = $1 AND status = 'mined'""")
        .execute(Tuple.of(paymentId))
        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(false)
            : bumpVersion(conn, checkoutId)
                .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, "pending", "pending",
                    "reorged", actor, null)))
                .map(true));
  }

  private Future<Boolean> mined(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Paying p, String actor) {
    return conn.preparedQuery("""
            UPDATE payments SET status = 'mined', block_number = $2, block_hash = $3, block_time = $4, payer = $5,
                                amount_base = $6, updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined') AND block_hash IS DISTINCT FROM $3""")
        .execute(Tuple.of(paymentId, p.blockNumber(), p.blockHash(), utc(p), p.payer(), new BigDecimal(p.amount())))
        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(false)
            : bumpVersion(conn, checkoutId)
                .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, "pending", "pending",
                    "mined", actor, new JsonObject().put("blockNumber", p.blockNumber()).put("blockHash", p.blockHash()))))
                .map(true));
  }

  private Future<Boolean> confirm(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Paying p, String actor) {
    return conn.preparedQuery("""
            UPDATE payments SET status = 'confirmed', block_number = $2, block_hash = $3, block_time = $4, payer = $5,
                                amount_base = $6, updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined') AND """ + NOT_CREDITED_ELSEWHERE)
        .execute(Tuple.of(paymentId, p.blockNumber(), p.blockHash(), utc(p), p.payer(), new BigDecimal(p.amount())))
        .compose(updated -> updated.rowCount() == 0 ? creditedElsewhere(conn, paymentId, checkoutId, p, actor)
            : conn.preparedQuery("""
                    UPDATE checkouts c SET status = 'paid', status_reason = NULL, paid_payment_id = $2,
                                           version = c.version + 1, updated_at = now()
                    FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
                    WHERE c.id = old.id AND (c.status IN ('open', 'pending', 'failed')
                      -- mined inside the window but submitted after expiry: when it is verified does not matter
                      OR (c.status = 'expired' AND c.paid_payment_id IS NULL AND c.paid_processor_payment_id IS NULL))
                    RETURNING old.status AS old_status""")
                .execute(Tuple.of(checkoutId, paymentId))
                .compose(paid -> paid.rowCount() == 1
                    ? transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, oldStatus(paid), "paid", null, actor,
                        paymentFacts(p)))
                    // Money arrived for a checkout something else already settled: keep the payment, flag it.
                    : conn.preparedQuery("UPDATE payments SET status = 'rejected', reason = $2 WHERE id = $1")
                        .execute(Tuple.of(paymentId, RejectionReason.CHECKOUT_ALREADY_PAID.code()))
                        .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, null,
                            "payment_rejected", RejectionReason.CHECKOUT_ALREADY_PAID.code(), actor, paymentFacts(p)))))
                .map(true));
  }

  /**
   * Records a payment mined after the checkout's expiry: the payment is kept (confirmed, flagged
   * late), the checkout stays or becomes expired with reason {@code paid_late}, and the transition
   * {@code paid_late} tells the shop. A checkout something else already paid keeps its state and the
   * payment is flagged {@code checkout_already_paid}, as in {@link #confirm}.
   */
  private Future<Boolean> paidLate(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Paying p, String actor) {
    return conn.preparedQuery("""
            UPDATE payments SET status = 'confirmed', late = true, block_number = $2, block_hash = $3, block_time = $4,
                                payer = $5, amount_base = $6, updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined') AND """ + NOT_CREDITED_ELSEWHERE)
        .execute(Tuple.of(paymentId, p.blockNumber(), p.blockHash(), utc(p), p.payer(), new BigDecimal(p.amount())))
        .compose(updated -> updated.rowCount() == 0 ? creditedElsewhere(conn, paymentId, checkoutId, p, actor)
            : conn.preparedQuery("""
                    UPDATE checkouts c SET status = 'expired', status_reason = 'paid_late', version = c.version + 1,
                                           updated_at = now()
                    FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
                    WHERE c.id = old.id AND c.status IN ('open', 'pending', 'failed', 'expired')
                    RETURNING old.status AS old_status""")
                .execute(Tuple.of(checkoutId))
                .compose(moved -> moved.rowCount() == 1
                    ? transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, oldStatus(moved), "paid_late",
                        null, actor, paymentFacts(p)))
                    : conn.preparedQuery("UPDATE payments SET status = 'rejected', late = false, reason = $2 WHERE id = $1")
                        .execute(Tuple.of(paymentId, RejectionReason.CHECKOUT_ALREADY_PAID.code()))
                        .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, paymentId, null,
                            "payment_rejected", RejectionReason.CHECKOUT_ALREADY_PAID.code(), actor, paymentFacts(p)))))
                .map(true));
  }

  /**
   * On payments (the claim being credited): no other claim of its transaction is credited. The
   * unique index on credited claims is the guard against races; this condition turns the loser of
   * a race decided before into a rejection instead of a unique violation on every later head.
   */
  private static final String NOT_CREDITED_ELSEWHERE = """
      (NOT EXISTS (SELECT 1 FROM payments o WHERE o.tx_hash = payments.tx_hash AND o.status = 'confirmed' AND o.id <> payments.id))""";

  /**
   * A paying claim that was not credited: a replay (already recorded, nothing changes) or a claim
   * whose transaction another checkout's claim was credited with first, which is rejected
   * {@code tx_already_credited} so that its checkout can be paid otherwise.
   */
  private Future<Boolean> creditedElsewhere(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Paying p,
      String actor) {
    return reject(conn, paymentId, checkoutId, new Verdict.Rejected(RejectionReason.TX_ALREADY_CREDITED,
        "the transaction was credited to another checkout's claim", p.blockNumber()), actor);
  }

  private Future<Boolean> reject(SqlConnection conn, long paymentId, UUID checkoutId, Verdict.Rejected r, String actor) {
    String reason = r.reason().code();
    // A hash submitted after the checkout expired is "not mined before expiry" from the first
    // round on; it gets LATE_SUBMISSION_GRACE to be mined (a buyer submits right after sending).
    return conn.preparedQuery("""
            UPDATE payments SET status = 'rejected', reason = $2, block_number = coalesce($3, block_number), updated_at = now()
            WHERE id = $1 AND status IN ('submitted', 'mined')
              AND NOT ($2 = 'not_mined_before_expiry' AND submitted_at > now() - make_interval(secs => $4)
                       AND submitted_at >= (SELECT expires_at FROM checkouts c WHERE c.id = payments.checkout_id))
              AND ($2 <> 'tx_already_credited' OR NOT (""" + NOT_CREDITED_ELSEWHERE + "))")
        .execute(Tuple.of(paymentId, reason, r.blockNumber(), (double) LATE_SUBMISSION_GRACE.toSeconds()))
        .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(false)
            // The checkout fails (or expires) only when no other payment of it is still in flight.
            : conn.preparedQuery("""
                    UPDATE checkouts c SET status = $3, status_reason = $2, version = c.version + 1, updated_at = now()
                    FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
                    WHERE c.id = old.id AND c.status = 'pending'
                      AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = $1 AND p.status IN ('submitted', 'mined'))
                    RETURNING old.status AS old_status""")
                .execute(Tuple.of(checkoutId, reason,
                    r.reason() == RejectionReason.NOT_MINED_BEFORE_EXPIRY ? "expired" : "failed"))
                .compose(moved -> transitions.record(conn, new CheckoutTransition(checkoutId, paymentId,
                    moved.rowCount() == 1 ? oldStatus(moved) : null,
                    moved.rowCount() == 1 ? (r.reason() == RejectionReason.NOT_MINED_BEFORE_EXPIRY ? "expired" : "failed")
                        : "payment_rejected",
                    reason, actor, new JsonObject().put("detail", r.detail()).put("blockNumber", r.blockNumber()))))
                .compose(ignored -> bumpVersion(conn, checkoutId))
                .map(true));
  }

  /**
   * Expires open or failed checkouts whose time is up. Several instances may run it at once:
   * {@code SKIP LOCKED} splits the work and the status condition makes each expiry happen once.
   */
  public Future<Integer> expireDue(int batchSize) {
    return pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE checkouts c SET status = 'expired', version = c.version + 1, updated_at = now()
                FROM (SELECT id, status FROM checkouts WHERE status IN ('open', 'failed') AND expires_at <= now()
                      ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED) old
                WHERE c.id = old.id
                RETURNING c.id, old.status AS old_status""")
            .execute(Tuple.of(batchSize))
            .compose(expired -> {
              List<UUID> ids = new ArrayList<>();
              Future<Void> chain = Future.succeededFuture();
              for (Row row : expired) {
                UUID id = row.getUUID("id");
                ids.add(id);
                String old = row.getString("old_status");
                chain = chain.compose(ignored -> transitions.record(conn,
                    new CheckoutTransition(id, null, old, "expired", null, "sweeper", null)));
              }
              return chain
                  .compose(ignored -> StatusNotifications.checkoutsChanged(conn, ids.toArray(UUID[]::new)))
                  .map(ids.size());
            }));
  }

  private static Future<Void> bumpVersion(SqlConnection conn, UUID checkoutId) {
    return conn.preparedQuery("UPDATE checkouts SET version = version + 1, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(checkoutId)).mapEmpty();
  }

  private static Future<CheckoutStatus> snapshot(SqlConnection conn, UUID checkoutId) {
    return conn.preparedQuery("SELECT doc FROM checkout_status_snapshot WHERE id = $1")
        .execute(Tuple.of(checkoutId))
        .map(rows -> {
          Object doc = rows.iterator().next().getValue("doc");
          return CheckoutStatus.fromJson(doc instanceof JsonObject j ? j : new JsonObject(doc.toString()));
        });
  }

  private static String oldStatus(RowSet<Row> rows) {
    return rows.iterator().next().getString("old_status");
  }

  private static JsonObject paymentFacts(Verdict.Paying p) {
    return new JsonObject().put("blockNumber", p.blockNumber()).put("blockHash", p.blockHash())
        .put("payer", p.payer()).put("amount", p.amount().toString());
  }

  private static OffsetDateTime utc(Verdict.Paying p) {
    return OffsetDateTime.ofInstant(p.blockTime(), ZoneOffset.UTC);
  }
}
