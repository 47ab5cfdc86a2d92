/**
 * Payments: the rules that decide whether a transaction pays a checkout, and the compare-and-set
 * state transitions (with audit) that record the decision exactly once.
 */
package io.tollgate.payment;
