package io.tollgate.x402;

import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.Hex;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.web3j.crypto.Hash;

/**
 * The token logs that change a verify fact: ERC-20 {@code Transfer(from, to, value)} (balances) and
 * EIP-3009 {@code AuthorizationUsed} / {@code AuthorizationCanceled(authorizer, nonce)} (a nonce is
 * spent), asked in one {@code eth_getLogs} for a chain's facilitator tokens and read strictly: a log
 * of another shape, token or block, or marked removed, is a {@link ChainDataException}, never skipped.
 */
final class FactLogs {
  static final String TRANSFER = Hash.sha3String("Transfer(address,address,uint256)");
  static final String USED = Hash.sha3String("AuthorizationUsed(address,bytes32)");
  static final String CANCELED = Hash.sha3String("AuthorizationCanceled(address,bytes32)");

  /** A change of verify facts, in chain order. */
  sealed interface Change permits Moved, Used {}

  /** {@code value} of {@code token} moved from one holder to another (0x0 for a mint or burn). */
  record Moved(String token, String from, String to, BigInteger value) implements Change {}

  /** {@code nonce} of {@code authorizer} can no longer be used at {@code token}. */
  record Used(String token, String authorizer, String nonce) implements Change {}

  private record Placed(long block, long index, Change change) {}

  private FactLogs() {}

  /** The filter without its block range: the tokens, any of the three events. */
  static JsonObject filter(Collection<String> tokens) {
    return new JsonObject().put("address", new JsonArray(List.copyOf(tokens)))
        .put("topics", new JsonArray().add(new JsonArray().add(TRANSFER).add(USED).add(CANCELED)));
  }

  /**
   * The changes in {@code result} (an {@code eth_getLogs} answer for blocks {@code from..to}), sorted
   * by block and log index. Every log must be of one of {@code tokens}, inside the range, and a log
   * of block {@code to} must carry {@code hashAtTo}, the hash the caller checked that block by.
   */
  static List<Change> parse(Object result, long from, long to, String hashAtTo, Set<String> tokens) {
    if (!(result instanceof JsonArray logs)) throw new ChainDataException("eth_getLogs answered " + kind(result));
    List<Placed> placed = new ArrayList<>(logs.size());
    for (Object item : logs) {
      if (!(item instanceof JsonObject log)) throw new ChainDataException("a log that is not an object");
      if (Boolean.TRUE.equals(log.getValue("removed"))) throw new ChainDataException("a removed log");
      String token = Hex.address(Hex.member(log, "address"));
      if (!tokens.contains(token)) throw new ChainDataException("a log of " + token + ", which was not asked for");
      long block = Hex.longQuantity(Hex.member(log, "blockNumber"));
      if (block < from || block > to) throw new ChainDataException("a log of block " + block + " outside " + from + ".." + to);
      if (block == to && !Hex.hash(Hex.member(log, "blockHash")).equals(hashAtTo)) {
        throw new ChainDataException("a log of block " + block + " of another fork");
      }
      placed.add(new Placed(block, Hex.longQuantity(Hex.member(log, "logIndex")), change(token, log)));
    }
    placed.sort(Comparator.comparingLong(Placed::block).thenComparingLong(Placed::index));
    return placed.stream().map(Placed::change).toList();
  }

  private static Change change(String token, JsonObject log) {
    if (!(log.getValue("topics") instanceof JsonArray topics) || topics.size() != 3) {
      throw new ChainDataException("a log without its three topics");
    }
    String event = Hex.hash(string(topics.getValue(0)));
    String first = topicAddress(string(topics.getValue(1)));
    if (event.equals(TRANSFER)) {
      String data = Hex.data(Hex.member(log, "data"), 32);
      return new Moved(token, first, topicAddress(string(topics.getValue(2))), Hex.quantity(data));
    }
    if (event.equals(USED) || event.equals(CANCELED)) return new Used(token, first, Hex.hash(string(topics.getValue(2))));
    throw new ChainDataException("a log of event " + event + ", which was not asked for");
  }

  /** An indexed address: 32 bytes, the first 12 zero. */
  private static String topicAddress(String topic) {
    String word = Hex.hash(topic);
    if (!word.startsWith("0x000000000000000000000000")) throw new ChainDataException("an address topic with high bytes: " + word);
    return "0x" + word.substring(26);
  }

  private static String string(Object value) {
    if (!(value instanceof String text)) throw new ChainDataException("a topic that is not a string");
    return text;
  }

  private static String kind(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }
}
