package io.tollgate.x402;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.gasless.Eip3009Facts;
import io.tollgate.gasless.TokenDomain;
import io.tollgate.merchant.KeyMode;
import io.tollgate.merchant.Merchant;
import io.tollgate.relay.AuthorizationKey;
import io.tollgate.relay.Relayer;
import io.tollgate.signature.CounterfactualSignatures;
import io.tollgate.signature.SignatureCheck;
import io.tollgate.signature.SignatureRequest;
import io.tollgate.signature.SignatureVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The x402 facilitator (protocol v2, scheme {@code exact}, EIP-3009 tokens): {@link #supported},
 * {@link #verify}, {@link #settle} answering as the reference does, and {@link #settlement} to
 * follow one. Safe on any event loop of any instance.
 *
 * <p>Verify costs one JSON-RPC call ({@link Eip3009Facts}: the nonce's state, the payer's balance
 * and code size, the token's code size, read together; none when this instance's {@code
 * VerifyFacts} keeps them, fresh from the tokens' logs; a second before refusing for a short
 * balance) and one indexed query (is this
 * authorization being settled or settled here?), side by side; the token's EIP-712 domain is
 * configured, never asked; a payer without code with a 65-byte signature is checked by ECDSA
 * recovery off the event loop, with no further call. Nothing is stored by verify.
 *
 * <p>Settle verifies the same way, stores the settlement under the authorization's unique key (a
 * concurrent or repeated settle of the same payload finds it and follows the same relay), hands the
 * transfer to the {@link Relayer} (idempotent on the same key; simulates before storing; its nonce
 * queue, fee bumps and rebroadcasts), then waits up to {@code x402.settle-wait-ms} for the relay to
 * be mined, else answers {@code settlement_pending} with the hash sent so far.
 */
public final class X402Facilitator {
  static final String PURPOSE_PREFIX = "x402:";

  private final Vertx vertx;
  private final Map<Long, FacilitatorChain> chains;
  private final SignatureVerifier verifier;
  private final Relayer relayer;
  private final Settlements settlements;
  private final Set<String> erc6492Factories;
  private final X402Settings settings;
  private final Clock clock;
  private final KeySignatureBatcher keySignatures;
  private final VerifyFacts facts;

  /** Needs {@link KeySignatureWorker} deployed on {@code vertx} (it checks key signatures off the event loops). */
  public X402Facilitator(Vertx vertx, Pool pool, Map<Long, FacilitatorChain> chains, SignatureVerifier verifier,
      Relayer relayer, Set<String> erc6492Factories, X402Settings settings, Clock clock, SettlementListener listener) {
    this.vertx = vertx;
    this.chains = Map.copyOf(chains);
    this.verifier = verifier;
    this.relayer = relayer;
    this.settlements = new Settlements(pool, listener);
    this.erc6492Factories = Set.copyOf(erc6492Factories);
    this.settings = settings;
    this.clock = clock;
    this.keySignatures = new KeySignatureBatcher(vertx);
    this.facts = new VerifyFacts(vertx, this.chains, settings.factsMaxAge(), clock);
  }

  /** Verify's facts cache: {@code tollgate.x402.verify.facts{chain, result=hit|miss}}, its clears and entries. */
  public void registerMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    facts.registerMetrics(registry);
  }

  public X402Settings settings() {
    return settings;
  }

  /** {@code GET /supported}: one kind per chain with a relayer and an EIP-3009 token; the relayer keys as signers. */
  public JsonObject supported() {
    JsonArray kinds = new JsonArray();
    JsonArray signers = new JsonArray();
    chains.values().stream().sorted(java.util.Comparator.comparingLong(FacilitatorChain::chainId)).forEach(c -> {
      kinds.add(new JsonObject().put("x402Version", 2).put("scheme", PaymentRequest.SCHEME).put("network", c.network()));
      if (!signers.contains(c.relayer())) signers.add(c.relayer());
    });
    return new JsonObject().put("kinds", kinds).put("extensions", new JsonArray())
        .put("signers", new JsonObject().put("eip155:*", signers));
  }

  /** {@code POST /verify}: 200 {@code {isValid, invalidReason?, invalidMessage?, payer}}; a request it cannot judge fails with a 400 code. */
  public Future<JsonObject> verify(Merchant merchant, JsonObject body) {
    return admitted(merchant, body).compose(p -> judge(p, true)).map(Verdict::toJson);
  }

  /** {@code POST /settle}: 200 {@code {success, errorReason?, errorMessage?, payer, transaction, network}}. */
  public Future<JsonObject> settle(Merchant merchant, JsonObject body) {
    return admitted(merchant, body).compose(p -> {
      AuthorizationKey key = key(p);
      byte[] hash = payloadHash(p);
      return settlements.find(key).compose(found -> {
        if (found.isPresent()) return follow(found.get(), hash, p);
        return judge(p, false).compose(verdict -> {
          if (!verdict.valid()) {
            return Future.succeededFuture(Answers.failure(p, verdict.reason(), verdict.message(), ""));
          }
          return settlements.insert(merchant == null ? null : merchant.id(), key, hash, p).compose(stored -> stored.isPresent()
              ? relay(stored.get(), p)
              // another request stored this authorization between our lookup and our insert
              : settlements.find(key).compose(again -> again.isPresent() ? follow(again.get(), hash, p)
                  : Future.failedFuture(new ApiException(ErrorCode.UNAVAILABLE, "the settlement could not be stored; retry"))));
        });
      });
    });
  }

  /** {@code GET /x402/settlements/{id}}: the settlement as stored, with its relay's live state. */
  public Future<JsonObject> settlement(Merchant merchant, UUID id) {
    if (merchant == null && !settings.open()) return Future.failedFuture(new ApiException(ErrorCode.UNAUTHENTICATED));
    return settlements.get(id, merchant == null ? null : merchant.id()).compose(found -> {
      if (found.isEmpty()) return Future.failedFuture(new ApiException(ErrorCode.SETTLEMENT_NOT_FOUND, id.toString()));
      Settlement s = found.get();
      if (s.relayId() == null || !Settlement.SETTLING.equals(s.state())) return Future.succeededFuture(Answers.view(s, null));
      return relayer.find(s.relayId()).compose(ticket -> {
        if (ticket.isEmpty() || !ticket.get().state().terminal()) return Future.succeededFuture(Answers.view(s, ticket.orElse(null)));
        SettleOutcome outcome = SettleOutcome.of(ticket.get(), s);
        return finished(s, outcome)
            .map(v -> Answers.view(s.finishedAs(outcome.state(), outcome.txHash(), outcome.reason()), ticket.get()));
      });
    });
  }

  /**
   * Records the outcome of a settling settlement whose relay has finished (nothing if it has not),
   * so that a settle answered {@code settlement_pending} reaches its end, and its webhook, without
   * anyone asking again. Used by {@link SettlementFollower}; idempotent.
   */
  Future<Void> catchUp(Settlement s) {
    if (s.relayId() == null || !Settlement.SETTLING.equals(s.state())) return Future.succeededFuture();
    return relayer.find(s.relayId()).compose(ticket -> ticket.isPresent() && ticket.get().state().terminal()
        ? finished(s, SettleOutcome.of(ticket.get(), s)) : settlements.touch(s.id()));
  }

  /** {@link #catchUp} of the settlement a relay was for ({@code x402:<id>}). */
  Future<Void> catchUp(UUID settlementId) {
    return settlements.get(settlementId, null).compose(s -> s.isPresent() ? catchUp(s.get()) : Future.succeededFuture());
  }

  Future<java.util.List<Settlement>> quietSettlements(int quietSeconds, int limit) {
    return settlements.quiet(quietSeconds, limit);
  }

  private Future<Void> finished(Settlement s, SettleOutcome outcome) {
    FacilitatorChain chain = chains.get(s.key().chainId());
    String mode = KeyMode.forChain(chain != null && chain.testnet()).code();
    return settlements.finished(s, mode, outcome.state(), outcome.txHash(), outcome.reason());
  }

  // ---- verify ----------------------------------------------------------------------------------

  private Future<PaymentRequest> admitted(Merchant merchant, JsonObject body) {
    PaymentRequest p;
    try {
      p = PaymentRequest.parse(body);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    if (merchant == null && !settings.open()) return Future.failedFuture(new ApiException(ErrorCode.UNAUTHENTICATED));
    FacilitatorChain chain = chains.get(p.chainId());
    if (chain == null) {
      return Future.failedFuture(new ApiException(ErrorCode.X402_UNSUPPORTED_NETWORK,
          p.network() + " is not settled by this facilitator (see GET /x402/supported)", "paymentRequirements.network"));
    }
    if (!chain.tokens().containsKey(p.asset())) {
      return Future.failedFuture(new ApiException(ErrorCode.X402_UNSUPPORTED_ASSET,
          p.asset() + " is not an EIP-3009 token configured on " + p.network(), "paymentRequirements.asset"));
    }
    if (merchant != null && merchant.mode() != KeyMode.forChain(chain.testnet())) {
      return Future.failedFuture(new ApiException(ErrorCode.MODE_MISMATCH, p.network() + " needs a "
          + KeyMode.forChain(chain.testnet()).code() + " key"));
    }
    return Future.succeededFuture(p);
  }

  /**
   * The reference's checks in its order. {@code reportSettlements}: an authorization this
   * facilitator is settling or has settled is reported as used at once (verify); settle looks its
   * settlement up itself, to follow it.
   */
  private Future<Verdict> judge(PaymentRequest p, boolean reportSettlements) {
    String payer = p.payer();
    Optional<String> early = ExactRules.beforeSignature(p);
    if (early.isPresent()) return Future.succeededFuture(Verdict.invalid(early.get(), null, payer));
    FacilitatorChain chain = chains.get(p.chainId());
    // Settle of an undeployed ERC-6492 wallet's transfer reads afresh: the relayer cannot simulate
    // that transfer before sending it (PgRelayer.relayWithDeploy), so no kept fact may decide it.
    boolean trustCache = reportSettlements || CounterfactualSignatures.unwrap(p.signatureBytes()).isEmpty();
    Future<Eip3009Facts> facts = this.facts.read(p.chainId(), p.asset(), p.authorization().from(), p.authorization().nonce(),
        p.amount(), trustCache);
    Future<Optional<Settlement>> known = reportSettlements ? settlements.find(key(p)) : Future.succeededFuture(Optional.empty());
    return Future.all(facts, known).compose(both -> signature(p, chain, facts.result()).map(signatureProblem -> {
      if (signatureProblem.isPresent()) return Verdict.invalid(signatureProblem.get()[0], signatureProblem.get()[1], payer);
      Optional<String> terms = ExactRules.afterSignature(p, clock.instant());
      if (terms.isPresent()) return Verdict.invalid(terms.get(), null, payer);
      if (facts.result().tokenCodeSize() == 0) return Verdict.invalid(Reasons.ASSET_NOT_DEPLOYED, null, payer);
      if (known.result().isPresent() && !Settlement.FAILED.equals(known.result().get().state())) {
        Settlement s = known.result().get();
        return Verdict.invalid(Reasons.NONCE_ALREADY_USED, "this authorization is " + s.state() + " by this facilitator"
            + " (settlement " + s.id() + ")", payer);
      }
      Optional<String> chainProblem = ExactRules.chainFacts(p, facts.result(), chain.tokens().get(p.asset()));
      return chainProblem.map(reason -> Verdict.invalid(reason, null, payer)).orElseGet(() -> Verdict.ok(payer));
    }));
  }

  /**
   * Empty when the payer signed the authorization; else the reason and detail. An undeployed
   * ERC-6492 wallet's factory must be on the allowlist, as the relayer would call it.
   */
  private Future<Optional<String[]>> signature(PaymentRequest p, FacilitatorChain chain, Eip3009Facts facts) {
    byte[] bytes = p.signatureBytes();
    Optional<CounterfactualSignatures.Parts> wrapped = CounterfactualSignatures.unwrap(bytes);
    if (wrapped.isPresent() && facts.payerCodeSize() == 0 && !erc6492Factories.contains(wrapped.get().factory())) {
      return Future.succeededFuture(Optional.of(new String[] {Reasons.FACTORY_NOT_ALLOWED,
          "factory " + wrapped.get().factory() + " is not on gasless.erc6492-factories"}));
    }
    TokenDomain domain = ExactRules.signedDomain(p);
    SignatureRequest request = SignatureRequest.forEip712(p.payer(), domain.separator(), p.authorization().structHash(),
        p.signature());
    // A payer without code and a 65-byte signature: its key alone decides, checked by the worker
    // verticle with no chain call; anything else through the shared verifier (which asks the chain).
    Future<SignatureCheck> check = facts.payerCodeSize() == 0 && bytes.length == 65
        ? keySignatures.check(request, p.chainId())
        : facts.payerCodeSize() == 0 ? verifier.verify(request, chain.rpc(), new byte[0]) : verifier.verify(request, chain.rpc());
    return check.compose(result -> {
      if (result instanceof SignatureCheck.Valid) return Future.succeededFuture(Optional.<String[]>empty());
      if (result instanceof SignatureCheck.Invalid invalid) {
        return Future.succeededFuture(Optional.of(new String[] {Reasons.SIGNATURE, invalid.reason().code() + ": " + invalid.detail()}));
      }
      return Future.failedFuture(new ApiException(ErrorCode.SIGNATURE_CHECK_UNAVAILABLE,
          ((SignatureCheck.Unavailable) result).detail()));
    });
  }

  // ---- settle ----------------------------------------------------------------------------------

  /** A settlement of this authorization exists: the same payload follows it; another payload is told the nonce is taken. */
  private Future<JsonObject> follow(Settlement s, byte[] hash, PaymentRequest p) {
    if (!s.samePayload(hash)) {
      return Future.succeededFuture(Answers.failure(p, Reasons.NONCE_ALREADY_USED,
          "this authorization is already being settled with other terms or signature (settlement " + s.id() + ")", ""));
    }
    if (Settlement.SETTLED.equals(s.state())) return Future.succeededFuture(Answers.success(p, s.txHash(), s.id()));
    if (Settlement.FAILED.equals(s.state())) {
      return Future.succeededFuture(Answers.failure(p, s.errorReason(), null, s.txHash() == null ? "" : s.txHash()));
    }
    return relay(s, p);
  }

  /** Hands the transfer to the relayer (idempotent: a repeat gets the same relay), then waits for its outcome. */
  private Future<JsonObject> relay(Settlement s, PaymentRequest p) {
    return relayer.relay(RelayOrders.of(key(p), p, PURPOSE_PREFIX + s.id()))
        .compose(ticket -> (s.relayId() == null ? settlements.relayed(s.id(), ticket.relayId()) : Future.<Void>succeededFuture())
            .compose(v -> awaitOutcome(s, ticket.relayId(), p, clock.millis() + settings.settleWait().toMillis())))
        .recover(e -> RelayOrders.refusal(e)
            .map(reason -> settlements.forget(s.id()).map(v -> Answers.failure(p, reason, e.getMessage(), "")))
            .orElseGet(() -> RelayOrders.unavailable(e)
                .map(unavailable -> settlements.forget(s.id()).<JsonObject>compose(v -> Future.failedFuture(unavailable)))
                .orElseGet(() -> Future.failedFuture(e))));
  }

  private Future<JsonObject> awaitOutcome(Settlement s, UUID relayId, PaymentRequest p, long deadline) {
    return relayer.find(relayId).compose(found -> {
      if (found.isPresent() && found.get().state().terminal()) {
        SettleOutcome outcome = SettleOutcome.of(found.get(), s);
        return finished(s, outcome)
            .map(v -> outcome.success() ? Answers.success(p, outcome.txHash(), s.id())
                : Answers.failure(p, outcome.reason(), outcome.detail(), outcome.txHash() == null ? "" : outcome.txHash()));
      }
      if (clock.millis() >= deadline) {
        String hash = found.flatMap(t -> t.txHash()).orElse("");
        return Future.succeededFuture(Answers.failure(p, Reasons.SETTLEMENT_PENDING, "the transfer is sent but not mined yet;"
            + " settle again with the same payload, or follow GET /x402/settlements/" + s.id(), hash)
            .put("extra", new JsonObject().put("settlementId", s.id().toString())));
      }
      return vertx.timer(settings.settlePoll().toMillis()).compose(t -> awaitOutcome(s, relayId, p, deadline));
    });
  }

  private static AuthorizationKey key(PaymentRequest p) {
    return new AuthorizationKey(p.chainId(), p.asset(), p.authorization().from(), p.authorization().nonce());
  }

  /** What makes two settle requests "the same": every signed term, the signature and what the resource server asked. */
  static byte[] payloadHash(PaymentRequest p) {
    var a = p.authorization();
    String canonical = String.join("|", p.network(), p.asset(), a.from(), a.to(), a.value().toString(),
        Long.toString(a.validAfter()), Long.toString(a.validBefore()), a.nonce(), p.signature(), p.payTo(),
        p.amount().toString(), String.valueOf(p.extraName()), String.valueOf(p.extraVersion()));
    try {
      return MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
