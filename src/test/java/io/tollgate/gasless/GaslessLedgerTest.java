package io.tollgate.gasless;

import static io.tollgate.testing.Async.await;
import static io.tollgate.testing.Async.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.eventbus.Addresses;
import io.tollgate.eventbus.Codecs;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.PaymentExpectation;
import io.tollgate.payment.PaymentLedger;
import io.tollgate.payment.PaymentStateVerticle;
import io.tollgate.payment.PaymentSubmission;
import io.tollgate.payment.Verdict;
import io.tollgate.payment.VerdictBatch;
import io.tollgate.payment.VerdictMessage;
import io.tollgate.relay.RelayChanged;
import io.tollgate.relay.RelayState;
import io.tollgate.relay.RelayTicket;
import io.tollgate.testing.TestRows;
import io.tollgate.testing.TestRows.CheckoutRow;
import io.tollgate.testing.TestVertx;
import io.tollgate.chain.AssetKind;
import io.vertx.sqlclient.Row;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checkout's side of a relay on a real PostgreSQL, with the real payment ledger behind the
 * event bus: the reservation, the move to pending (relaying) with the payer bound, each broadcast
 * hash claimed, a replaced hash that is never mined failing nothing, and a failed relay failing the
 * checkout only when the chain did not pay it.
 */
class GaslessLedgerTest {
  private static final String PAYER = "0x" + "b".repeat(40);
  private static final String TOKEN = "0x" + "a".repeat(40);
  private static TestVertx env;
  private static UUID merchant;
  private static GaslessLedger ledger;
  private static RelayEvents events;

  @BeforeAll
  static void start() {
    env = TestVertx.withDatabase();
    Codecs.register(env.vertx(), List.of(PaymentSubmission.class, CheckoutStatus.class, VerdictBatch.class));
    TransitionLog transitions = new TransitionLog(List.of());
    await(env.vertx().deployVerticle(new PaymentStateVerticle(new PaymentLedger(env.pool(), transitions), Duration.ofSeconds(60))));
    merchant = TestRows.merchant(env.pool());
    ledger = new GaslessLedger(env.pool(), transitions);
    // Rows are found by relay id here; the relayer is asked only for rows not yet marked accepted.
    events = new RelayEvents(ledger, null, new RelayClaims(env.pool(), env.vertx().eventBus()));
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  private static TransferAuthorization authorization() {
    byte[] nonce = new byte[32];
    new SecureRandom().nextBytes(nonce);
    return new TransferAuthorization(PAYER, TestRows.RECIPIENT, BigInteger.valueOf(12_500_000), 0,
        Instant.now().plusSeconds(600).getEpochSecond(), "0x" + HexFormat.of().formatHex(nonce));
  }

  private static long reserve(UUID checkout, TransferAuthorization a) {
    return await(ledger.reserve(checkout, 31337, "USDC", TOKEN, a, "0x" + "11".repeat(65), Duration.ofSeconds(60)));
  }

  private static String hash() {
    byte[] h = new byte[32];
    new SecureRandom().nextBytes(h);
    return "0x" + HexFormat.of().formatHex(h);
  }

  private static RelayChanged change(UUID relayId, UUID checkout, RelayState state, List<String> hashes, String detail) {
    return new RelayChanged(relayId, GaslessPayments.purpose(checkout), 31337, state,
        hashes.isEmpty() ? Optional.empty() : Optional.of(hashes.get(hashes.size() - 1)), hashes,
        detail == null ? Optional.empty() : Optional.of(RelayTicket.RELAY_FAILED), Optional.ofNullable(detail));
  }

  private static Row checkout(UUID id) {
    return env.one("SELECT status, status_reason, payer FROM checkouts WHERE id = $1", id);
  }

  @Test
  void anAcceptedAuthorizationMovesTheCheckoutToRelayingBindsItsSignerAndHoldsOffASecondOne() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open());
    long id = reserve(checkout, authorization());
    assertThat(checkout(checkout).getString("status")).as("a reservation changes nothing visible").isEqualTo("open");

    Throwable second = awaitFailure(ledger.reserve(checkout, 31337, "USDC", TOKEN, authorization(), "0x" + "22".repeat(65),
        Duration.ofSeconds(60)));
    assertThat(((ApiException) second).error()).isEqualTo(ErrorCode.RELAY_IN_PROGRESS);

    UUID relayId = UUID.randomUUID();
    CheckoutStatus status = await(ledger.accepted(id, relayId, "buyer:test"));
    assertThat(status.status()).isEqualTo("pending");
    assertThat(status.reason()).isEqualTo("relaying");
    assertThat(status.payer()).isEqualTo(PAYER);
    await(ledger.accepted(id, relayId, "buyer:test")); // a retry changes nothing twice
    assertThat(env.count("SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'pending'", checkout))
        .isEqualTo(1);
    assertThat(env.count("SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'payer_bound'", checkout))
        .isEqualTo(1);
  }

  @Test
  void aRefusedOrderGivesTheReservationBack() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open());
    long id = reserve(checkout, authorization());
    await(ledger.release(id));
    assertThat(env.count("SELECT count(*) FROM gasless_authorizations WHERE checkout_id = $1", checkout)).isZero();
    reserve(checkout, authorization()); // the checkout takes another authorization at once
  }

  @Test
  void aCheckoutBoundToAnotherPayerTakesNoReservation() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open().payer("0x" + "c".repeat(40)));
    Throwable refused = awaitFailure(ledger.reserve(checkout, 31337, "USDC", TOKEN, authorization(), "0x" + "11".repeat(65),
        Duration.ofSeconds(60)));
    assertThat(((ApiException) refused).error()).isEqualTo(ErrorCode.AUTHORIZATION_WRONG_PAYER);
  }

  @Test
  void everyBroadcastHashIsClaimedAndAReplacedOneThatIsNeverMinedFailsNothing() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open());
    long id = reserve(checkout, authorization());
    UUID relayId = UUID.randomUUID();
    await(ledger.accepted(id, relayId, "buyer:test"));
    String first = hash();
    String bumped = hash();
    await(events.apply(change(relayId, checkout, RelayState.SENT, List.of(first), null)));
    await(events.apply(change(relayId, checkout, RelayState.SENT, List.of(first, bumped), null)));
    await(events.apply(change(relayId, checkout, RelayState.SENT, List.of(first, bumped), null))); // replayed
    assertThat(env.count("SELECT count(*) FROM payments WHERE checkout_id = $1 AND status = 'submitted'", checkout)).isEqualTo(2);
    assertThat(checkout(checkout).getString("status")).isEqualTo("pending");
    assertThat(checkout(checkout).getString("status_reason")).as("sent: no longer only relaying").isNull();

    // the watcher: the replacement pays, the replaced hash is never mined and is rejected at expiry
    await(verdict(checkout, bumped, new Verdict.Paying(10, hash(), Instant.now(), PAYER, BigInteger.valueOf(12_500_000), 1, true)));
    await(verdict(checkout, first, new Verdict.Rejected(io.tollgate.payment.RejectionReason.NOT_MINED_BEFORE_EXPIRY,
        "never mined", null)));
    assertThat(checkout(checkout).getString("status")).isEqualTo("paid");
    await(events.apply(change(relayId, checkout, RelayState.MINED, List.of(first, bumped), null)));
    assertThat(env.one("SELECT state FROM gasless_authorizations WHERE id = $1", id).getString("state")).isEqualTo("mined");
  }

  @Test
  void aFailedRelayFailsTheCheckoutRelayFailedAndItMayBeTriedAgain() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open());
    long id = reserve(checkout, authorization());
    UUID relayId = UUID.randomUUID();
    await(ledger.accepted(id, relayId, "buyer:test"));
    await(events.apply(change(relayId, checkout, RelayState.FAILED, List.of(), RelayTicket.EXPIRED)));
    Row c = checkout(checkout);
    assertThat(c.getString("status")).isEqualTo("failed");
    assertThat(c.getString("status_reason")).isEqualTo("relay_failed");
    await(events.apply(change(relayId, checkout, RelayState.FAILED, List.of(), RelayTicket.EXPIRED))); // replayed
    assertThat(env.count("SELECT count(*) FROM checkout_events WHERE checkout_id = $1 AND to_status = 'failed'", checkout)).isEqualTo(1);
    reserve(checkout, authorization()); // "you can try again"
  }

  @Test
  void aFailedRelayWhoseTransactionWasMinedDoesNotFailTheCheckout() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open());
    long id = reserve(checkout, authorization());
    UUID relayId = UUID.randomUUID();
    await(ledger.accepted(id, relayId, "buyer:test"));
    String tx = hash();
    await(events.apply(change(relayId, checkout, RelayState.SENT, List.of(tx), null)));
    await(verdict(checkout, tx, new Verdict.Paying(10, hash(), Instant.now(), PAYER, BigInteger.valueOf(12_500_000), 1, false)));
    await(events.apply(change(relayId, checkout, RelayState.FAILED, List.of(tx), RelayTicket.REVERTED)));
    assertThat(checkout(checkout).getString("status")).as("the chain's word wins").isEqualTo("pending");
  }

  @Test
  void aNonceUsedElsewhereSaysSoInsteadOfPromisingNothingWasCharged() {
    UUID checkout = TestRows.checkout(env.pool(), merchant, CheckoutRow.open());
    long id = reserve(checkout, authorization());
    UUID relayId = UUID.randomUUID();
    await(ledger.accepted(id, relayId, "buyer:test"));
    await(events.apply(change(relayId, checkout, RelayState.FAILED, List.of(), RelayTicket.AUTHORIZATION_USED_ELSEWHERE)));
    assertThat(checkout(checkout).getString("status_reason")).isEqualTo("authorization_used_elsewhere");
  }

  /** A chain watcher's verdict on the checkout's claim of {@code tx}, through the payment-state verticle. */
  private io.vertx.core.Future<Object> verdict(UUID checkout, String tx, Verdict verdict) {
    Row p = env.one("SELECT id FROM payments WHERE checkout_id = $1 AND tx_hash = $2", checkout, tx);
    PaymentExpectation expectation = new PaymentExpectation(31337, AssetKind.ERC20, TOKEN, TestRows.RECIPIENT,
        BigInteger.valueOf(12_500_000), PAYER, Instant.now().minusSeconds(60), Instant.now().plusSeconds(600), 1);
    ActivePayment payment = ActivePayment.unmined(p.getLong("id"), checkout, tx, expectation);
    return env.vertx().eventBus().request(Addresses.PAYMENT_VERDICTS,
        new VerdictBatch(List.of(new VerdictMessage(payment, verdict, 10)))).map(m -> m.body());
  }
}
