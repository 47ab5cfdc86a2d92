package io.tollgate.payer;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.EthRpc;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.CheckoutTransition;
import io.tollgate.checkout.StatusNotifications;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.signature.SignatureCheck;
import io.tollgate.signature.SignatureRequest;
import io.tollgate.signature.SignatureVerifier;
import io.tollgate.signature.SiweFormatException;
import io.tollgate.signature.SiweMessage;
import io.tollgate.signature.SiweMessages;
import io.tollgate.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Binds a payer to a checkout: issues Sign-In with Ethereum challenges and turns a correctly
 * signed one into {@code checkouts.payer}. From then on only transfers from that address pay the
 * checkout ({@code PaymentVerifier}'s payer rule) and settlement re-checks the proof
 * ({@link BindingSettlementCheck}).
 *
 * <p>Binding order: the challenge must exist for this checkout, be unused and under the attempt
 * limit; the presented text must be the issued one (domain, bytes, expiry); then the signature is
 * verified over the fallback chain order (signing chain, payment chain, 1; configured chains
 * only), with no database transaction open during RPC. Every invalid signature increments the
 * challenge's counter atomically. A valid one commits in one transaction: the nonce is marked used
 * (compare-and-set, also re-checking the counter and expiry, so racing attempts cannot both win),
 * the payer is set only while the checkout is open or failed and has no payer, the binding row and
 * the audit row are written and the status is notified.
 *
 * <p>A binding is never replaced: a checkout that already has a payer (bound, or preset by the
 * merchant) refuses new challenges and bindings with {@code payer_already_bound}. A buyer who
 * wants to pay from another wallet needs a new checkout.
 */
public final class PayerBindingService {
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final String ZERO_ADDRESS = "0x" + "0".repeat(40);

  private final Pool pool;
  private final SignatureVerifier verifier;
  private final Map<Long, EthRpc> chains;
  private final TransitionLog transitions;
  private final PayerSettings settings;
  private final Clock clock;

  /**
   * @param chains the configured chains' JSON-RPC clients by chain id (the composition root's, shared)
   */
  public PayerBindingService(Pool pool, SignatureVerifier verifier, Map<Long, EthRpc> chains, TransitionLog transitions,
      PayerSettings settings, Clock clock) {
    this.pool = pool;
    this.verifier = verifier;
    this.chains = chains;
    this.transitions = transitions;
    this.settings = settings;
    this.clock = clock;
  }

  /** The challenge a browser's wallet signs to bind {@code address}, for paying on {@code chainId}. */
  public Future<IssuedChallenge> challenge(UUID checkoutId, String address, long chainId, String requestHost) {
    if (address == null || !ADDRESS.matcher(address).matches() || address.equalsIgnoreCase(ZERO_ADDRESS)) {
      return Future.failedFuture(new ApiException(ErrorCode.INVALID_ADDRESS));
    }
    Instant now = clock.instant();
    return pool.preparedQuery("""
            SELECT c.status, c.payer, c.amount, c.currency, c.expires_at <= $2 AS expired,
                   EXISTS (SELECT 1 FROM payment_options o WHERE o.checkout_id = c.id AND o.chain_id = $3) AS offered
            FROM checkouts c WHERE c.id = $1""")
        .execute(Tuple.of(checkoutId, utc(now), chainId))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND));
          Row c = rows.iterator().next();
          if (c.getString("payer") != null) return Future.failedFuture(new ApiException(ErrorCode.PAYER_ALREADY_BOUND));
          if (!isBindable(c.getString("status")) || c.getBoolean("expired")) {
            return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_PAYABLE,
                "checkout is " + (c.getBoolean("expired") ? "expired" : c.getString("status"))));
          }
          // The binding's chain is the payment chain: it must be one the checkout can be paid on.
          if (!c.getBoolean("offered")) {
            return Future.failedFuture(new ApiException(ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE,
                "chain " + chainId + " is not an option of this checkout"));
          }
          String domain = settings.domainFor(requestHost);
          SiweMessage message = SiweMessage.builder()
              .domain(domain)
              .address(address)
              .statement("Pay " + usd(c.getBigDecimal("amount")) + " " + c.getString("currency")
                  + " for checkout " + checkoutId + " from this account")
              .uri(settings.uriFor(domain, checkoutId.toString()))
              .chainId(chainId)
              .nonce(SiweMessages.newNonce())
              .issuedAt(now)
              .validFor(settings.challengeTtl())
              .requestId(checkoutId.toString())
              .build();
          String text = SiweMessages.format(message);
          return pool.preparedQuery("""
                  INSERT INTO payer_challenges (checkout_id, address, chain_id, nonce, message, issued_at, expires_at)
                  VALUES ($1, $2, $3, $4, $5, $6, $7)""")
              .execute(Tuple.of(checkoutId, address.toLowerCase(Locale.ROOT), chainId, message.nonce(), text,
                  utc(message.issuedAt()), utc(message.expirationTime())))
              .map(ignored -> new IssuedChallenge(checkoutId, message, text));
        });
  }

  /** A stored challenge row, its text parsed back (it was formatted canonically, so it parses). */
  private record StoredChallenge(long id, long chainId, SiweMessage issued, String text, boolean used, int failedAttempts) {}

  /**
   * Verifies a signed challenge and binds its address as the checkout's payer.
   *
   * @param signingChainId the chain the wallet says it signed on (wallets signing for another chain
   *     than the dapp's), or null
   */
  public Future<PayerBinding> bind(UUID checkoutId, String messageText, String signature, Long signingChainId,
      String requestHost, String actor) {
    SiweMessage presented;
    try {
      presented = SiweMessages.parse(messageText);
    } catch (SiweFormatException e) {
      return Future.failedFuture(new ApiException(ErrorCode.MALFORMED_SIWE_MESSAGE, e.getMessage()));
    }
    return pool.preparedQuery("""
            SELECT id, chain_id, message, used_at IS NOT NULL AS used, failed_attempts
            FROM payer_challenges WHERE checkout_id = $1 AND nonce = $2""")
        .execute(Tuple.of(checkoutId, presented.nonce()))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.CHALLENGE_NOT_FOUND));
          Row r = rows.iterator().next();
          String text = r.getString("message");
          StoredChallenge challenge = new StoredChallenge(r.getLong("id"), r.getLong("chain_id"), SiweMessages.parse(text),
              text, r.getBoolean("used"), r.getInteger("failed_attempts"));
          return verifyAndBind(checkoutId, challenge, messageText, signature, signingChainId, requestHost, actor);
        });
  }

  private Future<PayerBinding> verifyAndBind(UUID checkoutId, StoredChallenge challenge, String messageText,
      String signature, Long signingChainId, String requestHost, String actor) {
    if (challenge.used()) return Future.failedFuture(new ApiException(ErrorCode.NONCE_ALREADY_USED));
    // Checked before the signature: once exhausted, not even a valid signature is looked at.
    if (challenge.failedAttempts() >= settings.maxFailedAttempts()) {
      return Future.failedFuture(new ApiException(ErrorCode.TOO_MANY_ATTEMPTS));
    }
    Optional<io.tollgate.signature.ChallengeProblem> problem =
        SiweMessages.check(messageText, challenge.issued(), settings.domainFor(requestHost), clock.instant());
    if (problem.isPresent()) return Future.failedFuture(BindingRefusals.of(problem.get()));

    List<EthRpc> order = new ArrayList<>();
    for (Long id : SignatureVerifier.fallbackChainIds(signingChainId, challenge.chainId())) {
      EthRpc rpc = chains.get(id);
      if (rpc != null) order.add(rpc);
    }
    if (order.isEmpty()) {
      return Future.failedFuture(new ApiException(ErrorCode.SIGNATURE_CHECK_UNAVAILABLE,
          "no configured chain to verify on (chain " + challenge.chainId() + ")"));
    }
    return verifier.verifyOnFirstChain(SignatureRequest.forSiwe(challenge.issued(), signature), order)
        .compose(check -> {
          if (check instanceof SignatureCheck.Valid valid) return commit(checkoutId, challenge, signature, valid, actor);
          if (check instanceof SignatureCheck.Invalid invalid) return countFailure(challenge, invalid);
          return Future.failedFuture(new ApiException(ErrorCode.SIGNATURE_CHECK_UNAVAILABLE,
              ((SignatureCheck.Unavailable) check).detail()));
        });
  }

  /** One more invalid signature on the challenge (atomic increment), then the refusal. */
  private Future<PayerBinding> countFailure(StoredChallenge challenge, SignatureCheck.Invalid invalid) {
    return pool.preparedQuery("""
            UPDATE payer_challenges SET failed_attempts = failed_attempts + 1 WHERE id = $1 RETURNING failed_attempts""")
        .execute(Tuple.of(challenge.id()))
        .compose(rows -> Future.failedFuture(BindingRefusals.of(invalid.reason(), invalid.detail()
            + " (invalid attempt " + rows.iterator().next().getInteger("failed_attempts") + " of "
            + settings.maxFailedAttempts() + ")")));
  }

  private Future<PayerBinding> commit(UUID checkoutId, StoredChallenge challenge, String signature,
      SignatureCheck.Valid proof, String actor) {
    Instant now = clock.instant();
    String payer = challenge.issued().address().toLowerCase(Locale.ROOT);
    return Transactions.retryingConflicts(() -> pool.withTransaction(conn -> conn.preparedQuery("""
                UPDATE payer_challenges SET used_at = $2
                WHERE id = $1 AND used_at IS NULL AND failed_attempts < $3 AND expires_at > $2
                RETURNING id""")
            .execute(Tuple.of(challenge.id(), utc(now), settings.maxFailedAttempts()))
            .compose(claimed -> claimed.rowCount() == 1 ? Future.<Void>succeededFuture() : whyChallengeNotClaimable(conn, challenge.id(), now))
            .compose(ignored -> conn.preparedQuery("""
                    UPDATE checkouts c SET payer = $2, version = c.version + 1, updated_at = now()
                    FROM (SELECT id, status FROM checkouts WHERE id = $1 FOR UPDATE) old
                    WHERE c.id = old.id AND c.payer IS NULL AND c.status IN ('open', 'failed') AND c.expires_at > $3
                    RETURNING old.status AS old_status""")
                .execute(Tuple.of(checkoutId, payer, utc(now))))
            .compose(bound -> bound.rowCount() == 1
                ? Future.succeededFuture(bound.iterator().next().getString("old_status"))
                : whyNotBindable(conn, checkoutId, now))
            .compose(oldStatus -> conn.preparedQuery("""
                    INSERT INTO payer_bindings (checkout_id, challenge_id, payer, signature, method, verified_chain_id,
                                                wallet_kind, code_prefix, code_hash, bound_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""")
                .execute(Tuple.from(List.of(checkoutId, challenge.id(), payer, signature, proof.method().code(), proof.chainId(),
                    proof.code().kind().code(), proof.code().prefix(), proof.code().codeHash(), utc(now))))
                // The checkout's status does not change; the audit row records the binding as its own event.
                .compose(ignored -> transitions.record(conn, new CheckoutTransition(checkoutId, null, oldStatus, "payer_bound",
                    null, actor, new JsonObject().put("payer", payer).put("method", proof.method().code())
                        .put("verifiedChainId", proof.chainId()).put("challengeChainId", challenge.chainId())
                        .put("walletKind", proof.code().kind().code()).put("codePrefix", proof.code().prefix())
                        .put("codeHash", proof.code().codeHash()).put("nonce", challenge.issued().nonce())))))
            .compose(ignored -> StatusNotifications.checkoutChanged(conn, checkoutId))
            .compose(ignored -> CheckoutStatus.read(conn, checkoutId))))
        .map(status -> new PayerBinding(checkoutId, payer, proof, now, status));
  }

  /** Why the compare-and-set on the challenge matched nothing: a concurrent attempt won or used it up. */
  private static Future<Void> whyChallengeNotClaimable(SqlConnection conn, long challengeId, Instant now) {
    return conn.preparedQuery("SELECT used_at IS NOT NULL AS used, expires_at <= $2 AS expired FROM payer_challenges WHERE id = $1")
        .execute(Tuple.of(challengeId, utc(now)))
        .compose(rows -> {
          Row r = rows.iterator().next();
          if (r.getBoolean("used")) return Future.failedFuture(new ApiException(ErrorCode.NONCE_ALREADY_USED));
          if (r.getBoolean("expired")) return Future.failedFuture(new ApiException(ErrorCode.CHALLENGE_EXPIRED));
          return Future.failedFuture(new ApiException(ErrorCode.TOO_MANY_ATTEMPTS));
        });
  }

  /** Why the checkout took no payer (the transaction rolls back, so the nonce stays unused). */
  private static Future<String> whyNotBindable(SqlConnection conn, UUID checkoutId, Instant now) {
    return conn.preparedQuery("SELECT status, payer, expires_at <= $2 AS expired FROM checkouts WHERE id = $1")
        .execute(Tuple.of(checkoutId, utc(now)))
        .compose(rows -> {
          if (rows.size() == 0) return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_FOUND));
          Row r = rows.iterator().next();
          if (r.getString("payer") != null) return Future.failedFuture(new ApiException(ErrorCode.PAYER_ALREADY_BOUND));
          return Future.failedFuture(new ApiException(ErrorCode.CHECKOUT_NOT_PAYABLE,
              "checkout is " + (r.getBoolean("expired") && !"paid".equals(r.getString("status")) ? "expired" : r.getString("status"))));
        });
  }


  /**
   * A payer may be bound while no payment is in flight and none has paid: open (nothing submitted)
   * or failed (every submitted payment was rejected). While pending, changing who may pay would
   * change the rules under a transaction already being judged.
   */
  private static boolean isBindable(String status) {
    return "open".equals(status) || "failed".equals(status);
  }

  /** "12.5" → "12.50", as the checkout shows its amount. */
  private static String usd(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return (stripped.scale() < 2 ? stripped.setScale(2) : stripped).toPlainString();
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
