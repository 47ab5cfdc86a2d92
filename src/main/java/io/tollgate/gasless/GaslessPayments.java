package io.tollgate.gasless;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.EthRpc;
import io.tollgate.chain.Hex;
import io.tollgate.chain.RpcUnavailableException;
import io.tollgate.checkout.CheckoutStatus;
import io.tollgate.checkout.TransitionLog;
import io.tollgate.relay.AuthorizationKey;
import io.tollgate.relay.RelayOrder;
import io.tollgate.relay.RelayRefusedException;
import io.tollgate.relay.RelayState;
import io.tollgate.relay.RelayTicket;
import io.tollgate.relay.Relayer;
import io.tollgate.signature.CounterfactualSignatures;
import io.tollgate.signature.SignatureCheck;
import io.tollgate.signature.SignatureRequest;
import io.tollgate.signature.SignatureVerifier;
import io.tollgate.signature.VerificationMethod;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Gasless payments as the buyer sees them: the typed data to sign ({@link #offer}) and the signed
 * authorization's intake ({@link #authorize}). Intake order, so that nothing is spent or changed
 * for an authorization that cannot pay: the request's shape; a repeat of an accepted authorization
 * (answered with the checkout's status); the checkout, the option and every signed term; the
 * ERC-6492 factory; the signature (EIP-712 digest through the shared verifier), the nonce's state
 * and the payer's balance on-chain; a reservation of the checkout; the relayer (which simulates the
 * exact transaction and stores the order); then the checkout moves to pending ({@code relaying}).
 */
public final class GaslessPayments {
  /** Seconds a buyer is told to wait when the relayer cannot pay for gas. */
  public static final int RETRY_AFTER_SECONDS = 30;

  private final GaslessLedger ledger;
  private final GaslessTokens tokens;
  private final AuthorizationNonces nonces;
  private final SignatureVerifier verifier;
  private final Map<Long, EthRpc> chains;
  private final Relayer relayer;
  private final GaslessSettings settings;
  private final Clock clock;
  private final RelayEvents events;
  private final GaslessOffers offers;

  private GaslessPayments(GaslessLedger ledger, GaslessTokens tokens, AuthorizationNonces nonces, SignatureVerifier verifier,
      Map<Long, EthRpc> chains, Relayer relayer, GaslessSettings settings, Clock clock, RelayEvents events) {
    this.ledger = ledger;
    this.tokens = tokens;
    this.nonces = nonces;
    this.verifier = verifier;
    this.chains = chains;
    this.relayer = relayer;
    this.settings = settings;
    this.clock = clock;
    this.events = events;
    this.offers = new GaslessOffers(ledger, tokens, nonces, relayer, settings, clock);
  }

  /**
   * @param nonceSecret the secret the nonce key is derived from (the client-secret key: no new setting)
   * @param bus where relayed transactions are submitted as claims ({@code payments.submit})
   */
  public static GaslessPayments create(Pool pool, TransitionLog transitions, GaslessTokens tokens, byte[] nonceSecret,
      SignatureVerifier verifier, Map<Long, EthRpc> chains, Relayer relayer, GaslessSettings settings, Clock clock,
      EventBus bus) {
    GaslessLedger ledger = new GaslessLedger(pool, transitions);
    return new GaslessPayments(ledger, tokens, AuthorizationNonces.derivedFrom(nonceSecret), verifier, chains, relayer,
        settings, clock, new RelayEvents(ledger, relayer, new RelayClaims(pool, bus)));
  }

  /** A buyer's signed authorization for one option of a checkout, as posted. */
  public record Submission(UUID checkoutId, long chainId, String token, JsonObject authorization, Object signature,
      String actor) {}

  /** Adds the typed data to sign to every gasless option of a checkout ({@code payer}: the signing wallet, if known). */
  public Future<JsonArray> offer(UUID checkoutId, JsonArray options, String payer) {
    return offers.offer(checkoutId, options, payer);
  }

  /** The verticle that applies relay events and reconciles with the relayer's tickets. */
  public GaslessVerticle verticle() {
    return new GaslessVerticle(events, ledger, relayer, settings);
  }

  public Future<CheckoutStatus> authorize(Submission s) {
    TransferAuthorization a;
    String signature;
    try {
      a = TransferAuthorization.fromJson(s.authorization());
      signature = AuthorizationSignature.parse(s.signature(), settings.maxSignatureBytes());
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return ledger.facts(s.checkoutId(), s.chainId(), s.token(), a.from(), a.nonce()).compose(facts -> {
      if (facts.known() != null) return repeated(s, facts.known());
      Optional<TokenDomain> configured = tokens.domain(s.chainId(), s.token());
      if (facts.offered() && (configured.isEmpty() || facts.tokenAddress() == null)) {
        return Future.failedFuture(new ApiException(ErrorCode.TOKEN_NOT_GASLESS, s.token() + " on chain " + s.chainId()));
      }
      Optional<ApiException> refused = AuthorizationTerms.refusal(new AuthorizationTerms.Input(s.checkoutId(), s.chainId(),
          s.token(), facts, a, clock.instant(), settings, nonces));
      if (refused.isEmpty()) {
        refused = AuthorizationTerms.factoryRefusal(
            CounterfactualSignatures.unwrap(Hex.decode(signature)).map(CounterfactualSignatures.Parts::factory), settings);
      }
      if (refused.isPresent()) return Future.failedFuture(refused.get());
      EthRpc chain = chains.get(s.chainId());
      if (chain == null || relayer == null || !relayer.chains().contains(s.chainId())) {
        return Future.failedFuture(new ApiException(ErrorCode.RELAYER_UNAVAILABLE, "no relayer on chain " + s.chainId()));
      }
      TokenDomain domain = new TokenDomain(configured.get().name(), configured.get().version(), s.chainId(),
          facts.tokenAddress());
      return onChainChecks(chain, domain, a, signature)
          .compose(method -> ledger.reserve(s.checkoutId(), s.chainId(), s.token(), facts.tokenAddress(), a, signature,
                  settings.reservationLease())
              .compose(id -> relay(id, s, order(s, facts.tokenAddress(), a, signature, method))));
    });
  }

  /**
   * The chain's state (one call: the nonce's state, the balance and the payer's code), then the
   * signature through the shared verifier with that code, so it asks no {@code eth_getCode} of its
   * own (issue 16's budget of calls per gasless checkout); without the state, the verifier reads the
   * code itself. Refused in this order: a signature that proves nothing comes before what the chain
   * says of the wallet.
   */
  private Future<VerificationMethod> onChainChecks(EthRpc chain, TokenDomain domain, TransferAuthorization a,
      String signature) {
    SignatureRequest request = SignatureRequest.forEip712(a.from(), domain.separator(), a.structHash(), signature);
    Future<ChainFacts.TokenState> state = ChainFacts.read(chain, domain.verifyingContract(), a);
    Future<SignatureCheck> check = state.transform(read -> read.succeeded()
        ? verifier.verify(request, chain, read.result().payerCode())
        : verifier.verify(request, chain));
    return check.transform(done -> {
      if (check.failed()) return Future.failedFuture(check.cause());
      if (check.result() instanceof SignatureCheck.Invalid invalid) {
        return Future.failedFuture(invalid.reason().refusal(invalid.detail()));
      }
      if (check.result() instanceof SignatureCheck.Unavailable unavailable) {
        return Future.failedFuture(new ApiException(ErrorCode.SIGNATURE_CHECK_UNAVAILABLE, unavailable.detail()));
      }
      if (state.failed()) return Future.failedFuture(state.cause());
      if (state.result().nonceUsed()) return Future.failedFuture(new ApiException(ErrorCode.AUTHORIZATION_NONCE_USED));
      if (state.result().balance().compareTo(a.value()) < 0) {
        return Future.failedFuture(new ApiException(ErrorCode.INSUFFICIENT_BALANCE,
            "balance " + state.result().balance() + ", amount " + a.value()));
      }
      return Future.succeededFuture(((SignatureCheck.Valid) check.result()).method());
    });
  }

  /**
   * The relay order. An ERC-6492 signature (its factory allowlisted above) becomes a deploy of the
   * wallet through the factory, made by the relayer before the transfer if the wallet still has no
   * code, and the token gets the inner signature: it asks the deployed wallet (ERC-1271).
   */
  private static RelayOrder order(Submission s, String tokenAddress, TransferAuthorization a, String signature,
      VerificationMethod method) {
    byte[] bytes = Hex.decode(signature);
    Optional<CounterfactualSignatures.Parts> wrapped = CounterfactualSignatures.unwrap(bytes);
    byte[] forToken = wrapped.map(CounterfactualSignatures.Parts::innerSignature).orElse(bytes);
    RelayOrder.PreDeploy deploy = wrapped.map(p -> new RelayOrder.PreDeploy(p.factory(), p.factoryCalldata())).orElse(null);
    return new RelayOrder(new AuthorizationKey(s.chainId(), tokenAddress, a.from(), a.nonce()), tokenAddress,
        ChainFacts.transferCall(a, forToken, method == VerificationMethod.ECDSA && wrapped.isEmpty()),
        Instant.ofEpochSecond(a.validBefore()), purpose(s.checkoutId()), deploy);
  }

  static String purpose(UUID checkoutId) {
    return RelayEvents.PURPOSE_PREFIX + checkoutId;
  }

  /**
   * Hands the order to the relayer. A refusal (nothing stored) gives the reservation back; an
   * answer of unknown outcome keeps it, and the reconciler asks the relayer later.
   */
  private Future<CheckoutStatus> relay(long id, Submission s, RelayOrder order) {
    return relayer.relay(order)
        .recover(e -> {
          if (e instanceof RelayRefusedException refused) {
            return ledger.release(id).compose(ignored -> Future.failedFuture(refusal(refused)));
          }
          if (e instanceof RpcUnavailableException) {
            return ledger.release(id).compose(ignored -> Future.failedFuture(
                new ApiException(ErrorCode.UNAVAILABLE, "the chain could not be asked to simulate the transfer")));
          }
          return Future.failedFuture(e);
        })
        .compose(ticket -> ledger.accepted(id, ticket.relayId(), s.actor())
            .compose(status -> ticket.state() == RelayState.QUEUED ? Future.succeededFuture(status)
                : events.apply(RelayEvents.changeOf(ticket)).compose(ignored -> CheckoutStatus.read(ledger.pool(), s.checkoutId()))));
  }

  /** The same authorization again: its current state, as first answered (or its relay, if the first answer was lost). */
  private Future<CheckoutStatus> repeated(Submission s, GaslessLedger.Known known) {
    if (!known.checkoutId().equals(s.checkoutId())) {
      // Unreachable with issued nonces (the nonce names its checkout); kept as the last guard.
      return Future.failedFuture(new ApiException(ErrorCode.AUTHORIZATION_NONCE_NOT_ISSUED));
    }
    if (!"reserved".equals(known.state())) return CheckoutStatus.read(ledger.pool(), s.checkoutId());
    return ledger.stored(known.id()).compose(stored -> relayer.find(RelayEvents.keyOf(stored)).compose(ticket -> ticket
        .map(t -> ledger.accepted(known.id(), t.relayId(), s.actor()))
        // reserved and not (yet) known to the relayer: the first request is still asking it
        .orElseGet(() -> CheckoutStatus.read(ledger.pool(), s.checkoutId()))));
  }

  private static ApiException refusal(RelayRefusedException refused) {
    return switch (refused.reason()) {
      case RELAYER_UNAVAILABLE -> new ApiException(ErrorCode.RELAYER_UNAVAILABLE, refused.getMessage());
      case SIMULATION_REVERTED -> new ApiException(ErrorCode.SIMULATION_REVERTED, refused.getMessage());
    };
  }
}
