package io.tollgate.payment;

import io.tollgate.chain.ChainDataException;
import io.tollgate.chain.Hex;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One transaction's balance changes, read from a {@code prestateTracer} trace in {@code diffMode}:
 * {@code pre} holds the touched accounts before the transaction, {@code post} only the fields that
 * changed. So an account absent from {@code post}, or present without a balance, kept its balance
 * (it did not go to zero); one only in {@code post} was created with nothing before. Pure.
 *
 * <p>{@link #checkConsistent} refuses a trace that cannot be this transaction's: partial (no
 * {@code pre}/{@code post}, the sender missing), of another transaction (the sender's nonce), or
 * doctored so that it creates value or destroys more than the fees paid.
 */
final class BalanceDiff {
  private final Map<String, BigInteger> before = new HashMap<>();
  private final Map<String, BigInteger> after = new HashMap<>();
  private final Map<String, Long> nonceBefore = new HashMap<>();
  private final Map<String, Long> nonceAfter = new HashMap<>();

  private BalanceDiff() {}

  /** @throws ChainDataException when the answer is not a diff-mode prestate trace */
  static BalanceDiff parse(Object trace) {
    if (!(trace instanceof JsonObject result)) throw new ChainDataException("trace is not an object");
    if (!(result.getValue("pre") instanceof JsonObject pre) || !(result.getValue("post") instanceof JsonObject post)) {
      throw new ChainDataException("trace lacks pre or post (not a diff-mode prestate trace)");
    }
    BalanceDiff diff = new BalanceDiff();
    for (String key : pre.fieldNames()) {
      if (!(pre.getValue(key) instanceof JsonObject account)) throw new ChainDataException("pre." + key + " is not an object");
      String address = Hex.address(key);
      // A pre-state account always has its balance; one without is a cut trace.
      diff.before.put(address, Hex.quantity(Hex.member(account, "balance")));
      if (account.getValue("nonce") != null) diff.nonceBefore.put(address, nonce(account.getValue("nonce")));
    }
    for (String key : post.fieldNames()) {
      if (!(post.getValue(key) instanceof JsonObject account)) throw new ChainDataException("post." + key + " is not an object");
      String address = Hex.address(key);
      if (account.getValue("balance") != null) diff.after.put(address, Hex.quantity(Hex.member(account, "balance")));
      if (account.getValue("nonce") != null) diff.nonceAfter.put(address, nonce(account.getValue("nonce")));
    }
    return diff;
  }

  /** Net change of {@code address}'s balance: zero for an account the trace does not show as changed. */
  BigInteger delta(String address) {
    String a = Hex.address(address);
    BigInteger pre = before.getOrDefault(a, BigInteger.ZERO);
    BigInteger post = after.get(a);
    return post == null ? BigInteger.ZERO : post.subtract(pre);
  }

  Set<String> accounts() {
    Set<String> all = new HashSet<>(before.keySet());
    all.addAll(after.keySet());
    return all;
  }

  /**
   * @param sender the transaction's {@code from}
   * @param senderNonce the transaction's nonce
   * @param fees the most the transaction may have destroyed or paid outside the traced accounts
   *     (gas at its effective price, blob and L1 fees), or null when the receipt does not say
   * @throws ChainDataException when the trace cannot be this transaction's, complete and true
   */
  void checkConsistent(String sender, long senderNonce, BigInteger fees) {
    String from = Hex.address(sender);
    if (!before.containsKey(from)) throw new ChainDataException("trace lacks the sender " + from + " (partial trace)");
    // diffMode leaves a zero nonce out of pre; every mined transaction raises its sender's nonce.
    long pre = nonceBefore.getOrDefault(from, 0L);
    Long post = nonceAfter.get(from);
    if (pre != senderNonce || post == null || post <= pre) {
      throw new ChainDataException("trace shows the sender's nonce " + pre + " → " + post + ", the transaction has "
          + senderNonce + " (another transaction's trace, or a cut one)");
    }
    BigInteger sum = BigInteger.ZERO;
    for (String account : accounts()) sum = sum.add(delta(account));
    if (sum.signum() > 0) throw new ChainDataException("trace creates " + sum + " wei (doctored trace)");
    if (fees != null && sum.negate().compareTo(fees) > 0) {
      throw new ChainDataException("trace destroys " + sum.negate() + " wei, more than the " + fees + " wei of fees (doctored trace)");
    }
  }

  private static long nonce(Object value) {
    if (value instanceof Number n) return n.longValue();
    if (value instanceof String s) return Hex.longQuantity(s);
    throw new ChainDataException("nonce is " + value);
  }
}
