package io.tollgate.watch;

import io.tollgate.payment.ActivePayment;

/**
 * A transaction known to be mined in {@code block} without its receipt: its evidence (asked
 * instead of the receipt) said so, or the head lists it without Transfer logs to the recipient
 * (evidence null). Its receipt comes next.
 */
record Sighted(ActivePayment payment, Object evidence, BlockKey block) {}
