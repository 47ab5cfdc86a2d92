/**
 * Live checkout status by server-sent events ({@code GET /v1/checkouts/{id}/events}): the poll's
 * answer pushed to the buyer's browser as it changes, fed by {@link
 * io.tollgate.checkout.StatusSubscriptions} from the same status cache as the poll, bounded per
 * instance, with slow clients dropped rather than buffered.
 *
 * <p>Public face: {@link io.tollgate.http.events.CheckoutEvents} (one per HTTP verticle), {@link
 * io.tollgate.http.events.EventStreamSettings}, {@link io.tollgate.http.events.EventStreamMeters}
 * (shared by every verticle of the instance).
 */
package io.tollgate.http.events;
