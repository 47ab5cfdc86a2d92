package io.tollgate.testing;

import static io.tollgate.testing.Async.await;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Rows a service under test expects to find, inserted directly (no HTTP, no other service), so a
 * test of one service does not depend on another's behaviour.
 */
public final class TestRows {
  /** A recipient address for payment options. */
  public static final String RECIPIENT = "0x" + "5".repeat(40);

  private TestRows() {}

  public static UUID merchant(Pool pool) {
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO merchants (id, name) VALUES ($1, $2)").execute(Tuple.of(id, "shop " + id)));
    return id;
  }

  /** A checkout as the merchant API stores it, with one USDC option (6 decimals) on {@code chainId}. */
  public static UUID checkout(Pool pool, UUID merchantId, CheckoutRow row) {
    UUID id = UUID.randomUUID();
    OffsetDateTime created = utc(row.createdAt);
    await(pool.preparedQuery("""
            INSERT INTO checkouts (id, merchant_id, order_reference, amount, currency, status, payer, metadata,
                                   expires_at, created_at, updated_at)
            VALUES ($1, $2, $3, $4, 'USD', $5, $6, $7, $8, $9, $9)""")
        .execute(Tuple.from(new Object[] {id, merchantId, row.orderReference, row.amount, row.status, row.payer,
            new JsonObject(), utc(row.expiresAt), created})));
    await(pool.preparedQuery("""
            INSERT INTO payment_options (checkout_id, chain_id, token, token_address, decimals, amount_base, recipient)
            VALUES ($1, $2, 'USDC', $3, 6, $4, $5)""")
        .execute(Tuple.of(id, row.chainId, "0x" + "a".repeat(40),
            new BigDecimal(row.amount.movePointRight(6).toBigIntegerExact()), RECIPIENT)));
    return id;
  }

  /** What {@link #checkout} inserts; change what a test cares about. */
  public static final class CheckoutRow {
    String orderReference = "order-" + UUID.randomUUID();
    BigDecimal amount = new BigDecimal("12.50");
    String status = "open";
    String payer;
    long chainId = 31337;
    Instant createdAt = Instant.now();
    Instant expiresAt = createdAt.plusSeconds(600);

    public static CheckoutRow open() {
      return new CheckoutRow();
    }

    public CheckoutRow orderReference(String value) { orderReference = value; return this; }

    public CheckoutRow amount(String usd) { amount = new BigDecimal(usd); return this; }

    public CheckoutRow status(String value) { status = value; return this; }

    public CheckoutRow payer(String value) { payer = value; return this; }

    public CheckoutRow chainId(long value) { chainId = value; return this; }

    public CheckoutRow createdAt(Instant value) { createdAt = value; return this; }

    public CheckoutRow expiresAt(Instant value) { expiresAt = value; return this; }
  }


  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
