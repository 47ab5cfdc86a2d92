package io.tollgate.relay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the token logged in the transaction that mined a relay, as the relayer saw it when it settled
 * the relay (from the round's {@code eth_getLogs}, or the receipt it asked instead): whether it
 * emitted {@code AuthorizationUsed} for the relay's (authorizer, nonce), and every {@code Transfer}
 * it emitted whose {@code from} is the authorizer. Facts, not a verdict: whether they are the
 * transfer a caller asked for is the caller's question ({@link #transferred}).
 *
 * @param transfers lowercase addresses, in log order
 */
public record MinedLogs(boolean authorizationUsed, List<TokenTransfer> transfers) {
  /** keccak256("Transfer(address,address,uint256)"). */
  static final String TRANSFER = org.web3j.crypto.Hash.sha3String("Transfer(address,address,uint256)");

  /** One {@code Transfer(from, to, value)} log of the token. */
  public record TokenTransfer(String from, String to, BigInteger value) {
    public TokenTransfer {
      from = from.toLowerCase(Locale.ROOT);
      to = to.toLowerCase(Locale.ROOT);
      Objects.requireNonNull(value, "value");
    }
  }

  public MinedLogs {
    transfers = List.copyOf(transfers);
  }

  /** Whether the token logged exactly {@code Transfer(from, to, value)} in the transaction. */
  public boolean transferred(String from, String to, BigInteger value) {
    return transfers.contains(new TokenTransfer(from, to, value));
  }

  /**
   * Reads one log (an {@code eth_getLogs} entry or a receipt's), if it is the token's
   * {@code Transfer} from {@code authorizer} (ERC-20 shape: two indexed addresses, the value as data).
   */
  static TokenTransfer transferOf(JsonObject log, String token, String authorizer) {
    JsonArray topics = log.getJsonArray("topics");
    if (topics == null || topics.size() != 3 || !TRANSFER.equalsIgnoreCase(topics.getString(0))
        || !token.equalsIgnoreCase(String.valueOf(log.getString("address")))) return null;
    String from = "0x" + topics.getString(1).substring(26);
    if (!from.equalsIgnoreCase(authorizer)) return null;
    String data = log.getString("data");
    if (data == null || data.length() != 66) return null;
    return new TokenTransfer(from, "0x" + topics.getString(2).substring(26), new BigInteger(data.substring(2), 16));
  }

  /** Whether a log is the token's {@code AuthorizationUsed(authorizer, nonce)}. */
  static boolean authorizationUsedOf(JsonObject log, String token, String authorizer, String nonce) {
    JsonArray topics = log.getJsonArray("topics");
    return topics != null && topics.size() == 3 && Settlement.AUTHORIZATION_USED.equalsIgnoreCase(topics.getString(0))
        && token.equalsIgnoreCase(String.valueOf(log.getString("address")))
        && topics.getString(1).substring(26).equalsIgnoreCase(authorizer.substring(2))
        && topics.getString(2).equalsIgnoreCase(nonce);
  }

  /** The facts of a receipt's logs, for the relay's token, authorizer and nonce. */
  static MinedLogs ofReceipt(JsonObject receipt, String token, String authorizer, String nonce) {
    boolean used = false;
    List<TokenTransfer> transfers = new ArrayList<>();
    JsonArray logs = receipt.getJsonArray("logs");
    if (logs != null) {
      for (Object entry : logs) {
        if (!(entry instanceof JsonObject log)) continue;
        used |= authorizationUsedOf(log, token, authorizer, nonce);
        TokenTransfer t = transferOf(log, token, authorizer);
        if (t != null) transfers.add(t);
      }
    }
    return new MinedLogs(used, transfers);
  }

  JsonObject toJson() {
    JsonArray list = new JsonArray();
    transfers.forEach(t -> list.add(new JsonObject().put("from", t.from()).put("to", t.to()).put("value", t.value().toString())));
    return new JsonObject().put("authorizationUsed", authorizationUsed).put("transfers", list);
  }

  static MinedLogs fromJson(JsonObject json) {
    if (json == null) return null;
    List<TokenTransfer> list = new ArrayList<>();
    JsonArray transfers = json.getJsonArray("transfers", new JsonArray());
    for (Object o : transfers) {
      JsonObject t = (JsonObject) o;
      list.add(new TokenTransfer(t.getString("from"), t.getString("to"), new BigInteger(t.getString("value"))));
    }
    return new MinedLogs(json.getBoolean("authorizationUsed", false), list);
  }
}
