package io.tollgate.checkout;

import io.tollgate.api.ApiException;
import io.tollgate.api.ErrorCode;
import io.tollgate.chain.ChainConfig;
import io.tollgate.chain.ChainRegistry;
import io.tollgate.chain.TokenConfig;
import io.tollgate.merchant.KeyMode;
import io.tollgate.merchant.Merchant;
import io.tollgate.merchant.PaymentMethod;
import io.tollgate.pricing.Price;
import io.tollgate.pricing.PriceOracle;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Turns a merchant's create request into a {@link CheckoutPlan}: validates what the schema cannot
 * (amount, currency, merchant's accepted methods, expiry bounds) and quotes every option in the
 * checkout's currency. Options whose price
 * is unavailable are left out (other tokens are still offered); no option left is an error.
 */
public final class CheckoutPlanner {
  private final ChainRegistry chains;
  private final PriceOracle prices;
  private final Clock clock;
  private final CheckoutSettings settings;

  public CheckoutPlanner(ChainRegistry chains, PriceOracle prices, Clock clock, CheckoutSettings settings) {
    this.chains = chains;
    this.prices = prices;
    this.clock = clock;
    this.settings = settings;
  }

  Future<CheckoutPlan> plan(Merchant merchant, JsonObject request) {
    try {
      BigDecimal amount = Quotes.parseAmount(request.getString("amount"));
      String currency = request.getString("currency", "USD");
      if (!settings.currencies().contains(currency)) throw new ApiException(ErrorCode.UNSUPPORTED_CURRENCY,
          "currency " + currency + " is not accepted here (accepted: " + String.join(", ", settings.currencies()) + ")",
          "currency");
      long expiresIn = request.getLong("expiresInSeconds", settings.defaultExpiry().toSeconds());
      if (expiresIn < settings.minExpiry().toSeconds() || expiresIn > settings.maxExpiry().toSeconds()) {
        throw new ApiException(ErrorCode.INVALID_REQUEST, "expiresInSeconds must be between "
            + settings.minExpiry().toSeconds() + " and " + settings.maxExpiry().toSeconds());
      }
      String payer = request.getString("payer");
      if (payer != null && !payer.matches("0x[0-9a-fA-F]{40}")) throw new ApiException(ErrorCode.INVALID_ADDRESS,
          "payer must be an address: 0x followed by 40 hex digits", "payer");
      String successUrl = RedirectUrls.check(request.getString("successUrl"), "successUrl", merchant.mode());
      String cancelUrl = RedirectUrls.check(request.getString("cancelUrl"), "cancelUrl", merchant.mode());
      List<PaymentMethod> methods = chosenMethods(merchant, request.getJsonArray("paymentOptions"));
      // Block timestamps have whole seconds: the window starts at the second the checkout was made.
      Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
      List<Future<CheckoutPlan.Option>> quoted = methods.stream().map(m -> quote(amount, currency, m)).toList();
      return Future.join(quoted).transform(ignored -> {
        List<CheckoutPlan.Option> options = new ArrayList<>();
        for (Future<CheckoutPlan.Option> f : quoted) {
          if (f.succeeded()) options.add(f.result());
        }
        if (options.isEmpty()) {
          Throwable first = quoted.stream().filter(Future::failed).findFirst().map(Future::cause).orElse(null);
          return Future.failedFuture(first instanceof ApiException ? first
              : new ApiException(ErrorCode.PRICE_UNAVAILABLE));
        }
        return Future.succeededFuture(new CheckoutPlan(UUID.randomUUID(), request.getString("orderReference"), amount,
            currency, request.getJsonObject("metadata", new JsonObject()),
            payer == null ? null : payer.toLowerCase(Locale.ROOT), now, now.plus(Duration.ofSeconds(expiresIn)),
            List.copyOf(options), merchant.mode(), successUrl, cancelUrl));
      });
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * The methods to quote: those asked for, or all the merchant accepts, on networks of the key's
   * mode only. Asking for a chain of the other mode is refused ({@code mode_mismatch}), and so is a
   * request that leaves nothing of the key's mode; a test checkout is never payable on a live network.
   */
  private List<PaymentMethod> chosenMethods(Merchant merchant, JsonArray requested) {
    if (requested == null || requested.isEmpty()) {
      List<PaymentMethod> watched = merchant.methods().values().stream()
          .filter(m -> token(m).isPresent())
          .sorted(java.util.Comparator.comparing(PaymentMethod::chainId).thenComparing(PaymentMethod::token))
          .toList();
      if (watched.isEmpty()) throw new ApiException(ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE, "the merchant accepts nothing this service watches");
      List<PaymentMethod> all = watched.stream().filter(m -> modeOf(m.chainId()) == merchant.mode()).toList();
      if (all.isEmpty()) throw new ApiException(ErrorCode.MODE_MISMATCH, mismatch(merchant.mode()));
      return all;
    }
    List<PaymentMethod> chosen = new ArrayList<>();
    for (int i = 0; i < requested.size(); i++) {
      JsonObject o = requested.getJsonObject(i);
      long chainId = o.getLong("chainId");
      String token = o.getString("token");
      PaymentMethod method = merchant.methods().get(Merchant.methodKey(chainId, token));
      if (method == null || token(method).isEmpty()) {
        throw new ApiException(ErrorCode.PAYMENT_METHOD_NOT_AVAILABLE, token + " on chain " + chainId);
      }
      if (modeOf(chainId) != merchant.mode()) {
        throw new ApiException(ErrorCode.MODE_MISMATCH, "chain " + chainId + " is a " + modeOf(chainId).code()
            + " network; " + mismatch(merchant.mode()));
      }
      if (!chosen.contains(method)) chosen.add(method);
    }
    return chosen;
  }

  private KeyMode modeOf(long chainId) {
    return KeyMode.forChain(chains.isTestnet(chainId));
  }

  private static String mismatch(KeyMode mode) {
    return mode == KeyMode.TEST
        ? "a test key (tg_test_) creates checkouts on test networks only; use a live key (tg_live_) for real payments"
        : "a live key (tg_live_) creates checkouts on live networks only; use a test key (tg_test_) for test networks";
  }

  private java.util.Optional<TokenConfig> token(PaymentMethod method) {
    return chains.chain(method.chainId()).flatMap(c -> c.token(method.token()));
  }

  private Future<CheckoutPlan.Option> quote(BigDecimal amount, String currency, PaymentMethod method) {
    ChainConfig chain = chains.chain(method.chainId()).orElseThrow();
    TokenConfig token = chain.token(method.token()).orElseThrow();
    Future<Price> rate = Quotes.pairFor(token, currency)
        .map(pair -> prices.price(pair[0], pair[1]))
        .orElse(Future.succeededFuture(null));
    return rate.map(r -> new CheckoutPlan.Option(method.chainId(), token.symbol(), token.address(), token.decimals(),
        Quotes.baseUnits(amount, token, r), method.recipient(), r));
  }
}
