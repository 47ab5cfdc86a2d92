/**
 * The hot path: the status poll and what it shares with the routed requests. The status poll has
 * a way past the router ({@link io.tollgate.http.hotpath.StatusFastLane}) that answers exactly as
 * the routed path does ({@link io.tollgate.http.hotpath.StatusPoll}, behind
 * {@link io.tollgate.http.hotpath.BuyerAccess}: client secret and rate limit), and no per-request
 * Vert.x HTTP meters ({@link io.tollgate.http.hotpath.StatusPollMetrics}). The busy routes are
 * validated with schema validators built once ({@link io.tollgate.http.hotpath.HotPathValidation}),
 * giving the answers of the router's generic validator without its per-request cost; both paths
 * answer CORS with {@link io.tollgate.http.hotpath.CorsRules} and errors with
 * {@link io.tollgate.http.hotpath.ErrorResponses}.
 *
 * <p>Named {@code hotpath} rather than {@code poll}: the fast lane needs the validation, CORS and
 * error rendering the router uses too, so they live here, below {@code io.tollgate.http}, which
 * builds the router on them; a separate {@code poll} package would have depended on {@code http}
 * and been depended on by it.
 *
 * <p>Public face (8 of 11 types; everything else is package-private): {@link
 * io.tollgate.http.hotpath.BuyerAccess}, {@link io.tollgate.http.hotpath.BuyerLimits}, {@link
 * io.tollgate.http.hotpath.CorsRules}, {@link io.tollgate.http.hotpath.ErrorResponses}, {@link
 * io.tollgate.http.hotpath.HotPathValidation}, {@link io.tollgate.http.hotpath.StatusFastLane},
 * {@link io.tollgate.http.hotpath.StatusPoll}, {@link io.tollgate.http.hotpath.StatusPollMetrics}.
 */
package io.tollgate.http.hotpath;
