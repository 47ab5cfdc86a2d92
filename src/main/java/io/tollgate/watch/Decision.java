package io.tollgate.watch;

import io.tollgate.payment.ActivePayment;
import io.tollgate.payment.Verdict;

/** The rules' verdict on one payment at one head, before it is known whether it changes the store. */
record Decision(ActivePayment payment, Verdict verdict) {}
