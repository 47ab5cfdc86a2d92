/**
 * What a shop does with its checkouts after creating them, when money goes off-script: refunds
 * (created by a compare-and-set on the checkout's refundable balance; on-chain ones verified by the
 * chain watcher as refund claims, processor ones completed by the processor's refund webhook),
 * accepting a late payment, recovering a stuck one, canceling an open checkout, finding checkouts
 * (cursor pagination, filters) and their figures. Every money-moving request is idempotent
 * ({@link io.tollgate.checkout.Idempotent}) and every change is a transition with its audit row and
 * webhook.
 *
 * <p>Public face: {@link io.tollgate.shop.Refunds}, {@link io.tollgate.shop.ShopActions},
 * {@link io.tollgate.shop.CheckoutListing}.
 */
package io.tollgate.shop;
