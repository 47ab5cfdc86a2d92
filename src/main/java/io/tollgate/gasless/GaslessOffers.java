package io.tollgate.gasless;

import io.tollgate.relay.Relayer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The gasless part of a checkout's payment options: for each option whose token is EIP-3009 on a
 * chain with a relayer, the {@code eth_signTypedData_v4} argument of a {@code
 * TransferWithAuthorization} for the checkout's exact terms: {@code to} the recipient, {@code value}
 * the exact amount, valid until the checkout's expiry, a fresh nonce that names the checkout. The
 * payer ({@code from}) is the bound one, else the wallet the browser names; until either is known
 * the typed data is null.
 */
final class GaslessOffers {
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

  private final GaslessLedger ledger;
  private final GaslessTokens tokens;
  private final AuthorizationNonces nonces;
  private final Relayer relayer;
  private final GaslessSettings settings;
  private final Clock clock;

  GaslessOffers(GaslessLedger ledger, GaslessTokens tokens, AuthorizationNonces nonces, Relayer relayer,
      GaslessSettings settings, Clock clock) {
    this.ledger = ledger;
    this.tokens = tokens;
    this.nonces = nonces;
    this.relayer = relayer;
    this.settings = settings;
    this.clock = clock;
  }

  Future<JsonArray> offer(UUID checkoutId, JsonArray options, String requestedPayer) {
    if (relayer == null || options.stream().noneMatch(o -> gaslessDomain((JsonObject) o).isPresent())) {
      return Future.succeededFuture(options);
    }
    return ledger.pool().preparedQuery("SELECT payer, expires_at FROM checkouts WHERE id = $1")
        .execute(Tuple.of(checkoutId))
        .map(rows -> {
          if (rows.size() == 0) return options;
          String bound = rows.iterator().next().getString("payer");
          long validBefore = rows.iterator().next().getOffsetDateTime("expires_at").toEpochSecond();
          String payer = bound != null ? bound
              : requestedPayer != null && ADDRESS.matcher(requestedPayer).matches() ? requestedPayer.toLowerCase(Locale.ROOT) : null;
          long validAfter = Math.max(0, clock.instant().minus(settings.validAfterSkew()).getEpochSecond());
          JsonArray out = new JsonArray();
          for (Object o : options) {
            JsonObject option = ((JsonObject) o).copy();
            gaslessDomain(option).ifPresent(domain -> option.put("gasless", new JsonObject()
                .put("typedData", payer == null ? null : TypedData.of(domain, new TransferAuthorization(payer,
                    option.getString("recipient"), new BigInteger(option.getString("amount")), validAfter, validBefore,
                    nonces.issue(checkoutId, domain.chainId(), option.getString("token")))))
                .put("authorizationsPath", "/v1/checkouts/" + checkoutId + "/authorizations")));
            out.add(option);
          }
          return out;
        });
  }

  /** The domain of an option that can be paid gaslessly: an EIP-3009 token at the quoted address, on a chain with a relayer. */
  private Optional<TokenDomain> gaslessDomain(JsonObject option) {
    long chainId = option.getLong("chainId");
    String address = option.getString("tokenAddress");
    if (address == null || !relayer.chains().contains(chainId)) return Optional.empty();
    return tokens.domain(chainId, option.getString("token"))
        .map(d -> new TokenDomain(d.name(), d.version(), chainId, address));
  }
}
