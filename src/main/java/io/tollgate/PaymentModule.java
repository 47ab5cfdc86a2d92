package io.tollgate;

import io.tollgate.chain.EthRpc;
import io.tollgate.payer.BindingSettlementCheck;
import io.tollgate.payment.SecondProviderCheck;
import io.tollgate.payment.SettlementCheck;
import io.tollgate.payer.PayerBindingService;
import io.tollgate.payer.PayerSettings;
import io.tollgate.payment.PaymentLedger;
import io.tollgate.payment.PaymentStateVerticle;
import io.tollgate.payment.VerdictWriteSettings;
import io.tollgate.signature.SignatureVerifier;
import io.tollgate.signature.VerifierSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Payments: the ledger behind the payment-state verticle (submissions, verdicts, expiry), and the
 * payer binding with its re-check at settlement.
 */
final class PaymentModule {
  private static final Logger LOG = LoggerFactory.getLogger(PaymentModule.class);

  final PayerBindingService payers;
  private final Foundation f;
  private final PaymentLedger ledger;
  private final SettlementCheck settlement;

  private PaymentModule(Foundation f, PaymentLedger ledger, PayerBindingService payers, SettlementCheck settlement) {
    this.f = f;
    this.ledger = ledger;
    this.payers = payers;
    this.settlement = settlement;
  }

  /**
   * @param providers per chain with the second-provider check on, one client per provider: a
   *     confirmed receipt's block must be canonical on two of them before {@code paid}
   */
  static PaymentModule create(Foundation f, Map<Long, EthRpc> rpc, Map<Long, List<EthRpc>> providers) {
    // A round's paying verdicts go in chunks, several transactions at once (VerdictWriteSettings).
    VerdictWriteSettings verdictWrites = VerdictWriteSettings.fromSettings(f.settings());
    if (verdictWrites.chunksInFlight() > f.poolSize() / 2) {
      // Each chunk in flight holds a connection: a block's verdicts would queue HTTP requests behind them.
      LOG.warn("payment.verdict-chunks-in-flight={} is more than half of database.pool-size={}: a block of payments "
          + "can leave HTTP requests waiting for a connection", verdictWrites.chunksInFlight(), f.poolSize());
    }
    // No result cache: each binding signs a fresh nonce (nothing to reuse), and at settlement a
    // cached "valid" from binding time would hide a wallet whose owner changed since.
    SignatureVerifier payerVerifier = SignatureVerifier.create(f.vertx(), VerifierSettings.defaults().withCacheSize(0));
    PayerBindingService payers = new PayerBindingService(f.pool(), payerVerifier, rpc, f.transitions(),
        PayerSettings.fromSettings(f.settings()), f.clock());
    return new PaymentModule(f, new PaymentLedger(f.pool(), f.transitions(), verdictWrites), payers,
        SecondProviderCheck.both(new BindingSettlementCheck(f.pool(), payerVerifier, rpc), secondProvider(f, providers)));
  }

  /** The second-provider check, with each chain's bound on a witnessing head's lag (as the watcher's). */
  private static SecondProviderCheck secondProvider(Foundation f, Map<Long, List<EthRpc>> providers) {
    Map<Long, Duration> lag = new java.util.HashMap<>();
    providers.keySet().forEach(id -> lag.put(id, f.settings().millis("chain." + id + ".max-head-lag-ms", 120_000)));
    return new SecondProviderCheck(providers, f.clock(), lag, Duration.ofSeconds(120));
  }

  Module module() {
    Duration sweep = Duration.ofMillis(f.settings().longValue("checkout.expiry-sweep-interval-ms", 1000));
    return Module.of(List.of(() -> f.vertx().deployVerticle(new PaymentStateVerticle(ledger, sweep, settlement))));
  }
}
