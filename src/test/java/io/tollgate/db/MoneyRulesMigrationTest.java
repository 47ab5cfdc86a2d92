package io.tollgate.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.testing.TestPostgres;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Schema V16 on a database that already holds data (an upgrade): endpoints made before the new
 * money events hear them if they hear their kind (paid checkouts, succeeded refunds); checkouts
 * made before keep no rules of their own (the merchant's apply, as before).
 */
class MoneyRulesMigrationTest {
  @Test
  void shouldSubscribeExistingEndpointsToTheNewMoneyEventsOfTheKindTheyHear() throws Exception {
    try (TestPostgres.TestDatabase database = TestPostgres.newDatabase("14")) {
      DatabaseSettings db = database.settings();
      UUID merchant = UUID.randomUUID();
      UUID paidOnly = UUID.randomUUID();
      UUID refundsOnly = UUID.randomUUID();
      UUID expiredOnly = UUID.randomUUID();
      UUID checkout = UUID.randomUUID();
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
          Statement s = c.createStatement()) {
        s.execute("INSERT INTO merchants (id, name) VALUES ('" + merchant + "', 'old shop')");
        endpoint(s, paidOnly, merchant, "'checkout.paid', 'checkout.failed'");
        endpoint(s, refundsOnly, merchant, "'refund.succeeded'");
        endpoint(s, expiredOnly, merchant, "'checkout.expired'");
        s.execute("INSERT INTO checkouts (id, merchant_id, order_reference, amount, currency, status, expires_at, created_at,"
            + " updated_at) VALUES ('" + checkout + "', '" + merchant + "', 'o-1', 10, 'USD', 'open', now() + interval '1 hour',"
            + " now(), now())");
      }

      Migrations.migrate(db);

      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
          Statement s = c.createStatement()) {
        assertThat(types(s, paidOnly)).containsExactly("checkout.paid", "checkout.failed", "checkout.duplicate_payment");
        assertThat(types(s, refundsOnly)).containsExactly("refund.succeeded", "refund.extra_transfer");
        assertThat(types(s, expiredOnly)).containsExactly("checkout.expired");
        try (ResultSet r = s.executeQuery("SELECT tolerance_bps_stable, tolerance_bps_native, overpayments FROM checkouts"
            + " WHERE id = '" + checkout + "'")) {
          r.next();
          assertThat(r.getObject(1)).isNull();
          assertThat(r.getObject(2)).isNull();
          assertThat(r.getObject(3)).isNull();
        }
        try (ResultSet r = s.executeQuery("SELECT underpayment_tolerance_bps_stable, underpayment_tolerance_bps_native,"
            + " overpayments FROM merchants WHERE id = '" + merchant + "'")) {
          r.next();
          assertThat(List.of(r.getInt(1), r.getInt(2), r.getString(3))).containsExactly(0, 50, "accept");
        }
      }
    }
  }

  private static void endpoint(Statement s, UUID id, UUID merchant, String types) throws Exception {
    s.execute("INSERT INTO webhook_endpoints (id, merchant_id, url, event_types, secret_sealed) VALUES ('" + id + "', '"
        + merchant + "', 'https://shop.example/hook', ARRAY[" + types + "], '\\x00'::bytea)");
  }

  private static List<String> types(Statement s, UUID endpoint) throws Exception {
    try (ResultSet r = s.executeQuery("SELECT event_types FROM webhook_endpoints WHERE id = '" + endpoint + "'")) {
      r.next();
      Array array = r.getArray(1);
      return List.of((String[]) array.getArray());
    }
  }
}
