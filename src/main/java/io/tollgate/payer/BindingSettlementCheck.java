package io.tollgate.payer;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.EthRpc;
import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.RejectionReason;
import io.tollgate.payment.SettlementCheck;
import io.tollgate.payment.Verdict;
import io.tollgate.signature.SignatureCheck;
import io.tollgate.signature.SignatureRequest;
import io.tollgate.signature.SignatureVerifier;
import io.tollgate.signature.SiweMessages;
import io.tollgate.signature.WalletCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.tollgate.payment.VerdictMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The payer re-check at settlement (time of check vs time of use): before a payment of a checkout
 * with a bound payer is recorded as paid, the stored signature is verified again over the stored
 * message on the chain that validated it at binding, and the wallet's code must still be the one
 * bound ({@link WalletCode#permits}: same first 23 bytes, so an EIP-7702 re-delegation or a
 * replaced contract is caught; a counterfactual wallet may have been deployed since). Failing
 * either rejects the payment as {@code payer_binding_invalid}.
 *
 * <p>Checkouts without a binding row (no payer, or one preset by the merchant) pass unchanged. An
 * unreachable chain fails the review, so nothing is recorded and the watcher asks again on a later
 * head. The signature's expiry is not re-checked: the challenge expires for binding, not the proof.
 */
public final class BindingSettlementCheck implements SettlementCheck {
  private final Pool pool;
  private final SignatureVerifier verifier;
  private final Map<Long, EthRpc> chains;

  /**
   * @param verifier should not cache results: a cached "valid" from binding time would hide a
   *     wallet whose storage (its owner) changed since
   */
  public BindingSettlementCheck(Pool pool, SignatureVerifier verifier, Map<Long, EthRpc> chains) {
    this.pool = pool;
    this.verifier = verifier;
    this.chains = chains;
  }

  private static final String BINDINGS = """
      SELECT b.checkout_id, b.payer, b.signature, b.verified_chain_id, b.wallet_kind, b.code_prefix, b.code_hash,
             ch.message
      FROM payer_bindings b JOIN payer_challenges ch ON ch.id = b.challenge_id
      WHERE b.checkout_id = ANY ($1)""";

  @Override
  public Future<Verdict> review(ActivePayment payment, Verdict.Paying paying) {
    return pool.preparedQuery(BINDINGS)
        .execute(Tuple.of(new UUID[] {payment.checkoutId()}))
        .compose(rows -> rows.size() == 0
            ? Future.succeededFuture(paying)
            : recheck(rows.iterator().next(), paying));
  }

  /** One read of the bindings for the whole round; only checkouts with a binding are re-checked. */
  @Override
  public Future<List<VerdictMessage>> reviewAll(List<VerdictMessage> verdicts) {
    UUID[] checkouts = verdicts.stream().filter(SettlementCheck::needsReview)
        .map(v -> v.payment().checkoutId()).distinct().toArray(UUID[]::new);
    if (checkouts.length == 0) return Future.succeededFuture(verdicts);
    return pool.preparedQuery(BINDINGS)
        .execute(Tuple.of(checkouts))
        .compose(rows -> {
          Map<UUID, Row> bindings = new HashMap<>();
          rows.forEach(row -> bindings.put(row.getUUID("checkout_id"), row));
          List<Future<Verdict>> reviews = new ArrayList<>(verdicts.size());
          for (VerdictMessage v : verdicts) {
            Row binding = SettlementCheck.needsReview(v) ? bindings.get(v.payment().checkoutId()) : null;
            reviews.add(binding == null ? Future.succeededFuture(v.verdict()) : recheck(binding, (Verdict.Paying) v.verdict()));
          }
          return Future.join(reviews).transform(done -> Future.succeededFuture(SettlementCheck.reviewed(verdicts, reviews)));
        });
  }

  private Future<Verdict> recheck(Row binding, Verdict.Paying paying) {
    long chainId = binding.getLong("verified_chain_id");
    EthRpc chain = chains.get(chainId);
    if (chain == null) {
      // Only after a configuration change: the proof cannot be re-checked, so it does not count.
      return Future.succeededFuture(rejected(paying, "chain " + chainId + " that validated the binding is no longer configured"));
    }
    if (!binding.getString("payer").equalsIgnoreCase(paying.payer())) {
      return Future.succeededFuture(rejected(paying, "paid by " + paying.payer() + ", bound " + binding.getString("payer")));
    }
    WalletCode bound = new WalletCode(WalletCode.Kind.fromCode(binding.getString("wallet_kind")),
        binding.getString("code_prefix"), binding.getString("code_hash"));
    SignatureRequest request = SignatureRequest.forSiwe(SiweMessages.parse(binding.getString("message")),
        binding.getString("signature"));
    return verifier.verify(request, chain).compose(check -> {
      if (check instanceof SignatureCheck.Valid valid) {
        return Future.succeededFuture(bound.permits(valid.code())
            ? paying
            : rejected(paying, "wallet code changed since binding: " + bound.prefix() + " -> " + valid.code().prefix()));
      }
      if (check instanceof SignatureCheck.Invalid invalid) {
        return Future.succeededFuture(rejected(paying,
            "binding signature no longer valid: " + invalid.reason().code() + " (" + invalid.detail() + ")"));
      }
      return Future.failedFuture(new ApiException(ErrorCode.SIGNATURE_CHECK_UNAVAILABLE,
          ((SignatureCheck.Unavailable) check).detail()));
    });
  }

  private static Verdict rejected(Verdict.Paying paying, String detail) {
    return new Verdict.Rejected(RejectionReason.PAYER_BINDING_INVALID, detail, paying.blockNumber());
  }
}
