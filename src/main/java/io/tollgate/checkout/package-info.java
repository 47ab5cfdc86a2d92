/**
 * Checkouts: idempotent creation with frozen quotes, the merchant's full view, the buyer's client
 * secret, and the status poll path (an in-memory cache fed by PostgreSQL notifications).
 */
package io.tollgate.checkout;
