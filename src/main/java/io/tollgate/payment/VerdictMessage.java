package io.tollgate.payment;

/** A chain watcher's verdict on one payment at one head, on its way to the payment-state verticle. */
public record VerdictMessage(ActivePayment payment, Verdict verdict, long head) {}
