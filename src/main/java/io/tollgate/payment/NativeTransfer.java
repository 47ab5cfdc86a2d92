package io.tollgate.payment;

import java.math.BigInteger;

/**
 * The native value a transaction moved, as a {@link NativeTransferSource} proves it.
 *
 * @param from who paid (lowercase), never null
 * @param to who received (lowercase); null when the transaction created a contract
 * @param value wei received by {@code to}: its net balance rise (zero or less when nothing stayed)
 * @param debit wei {@code from}'s balance fell by, the fees it paid as the transaction's sender
 *     left out
 */
public record NativeTransfer(String from, String to, BigInteger value, BigInteger debit) {

  /** A transfer whose payer's balance fell by exactly the value (the outer transaction's own fields). */
  public NativeTransfer(String from, String to, BigInteger value) {
    this(from, to, value, value);
  }
}
