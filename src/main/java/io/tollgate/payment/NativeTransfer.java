package io.tollgate.payment;

import java.math.BigInteger;

/**
 * The native value a transaction moved, as a {@link NativeTransferSource} proves it.
 *
 * @param from who paid (lowercase), never null
 * @param to who received (lowercase); null when the transaction created a contract
 * @param value wei received by {@code to}
 */
public record NativeTransfer(String from, String to, BigInteger value) {}
