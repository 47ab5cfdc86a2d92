/**
 * HTTP intake: routes and validation from the OpenAPI document, merchant and buyer handlers,
 * webhook routes (endpoints, delivery log, inbound intake, the operator's {@link
 * io.tollgate.http.AdminAuth}-guarded admin calls), CORS, error rendering, health and metrics.
 * Handlers are thin; the logic lives in the services. The busy routes are validated with schema
 * validators built once ({@link io.tollgate.http.HotPathValidation}), giving the answers of the
 * router's generic validator without its per-request cost. The status poll, the hot path, also has a
 * way past the router ({@link io.tollgate.http.StatusFastLane}) that answers exactly as the routed
 * path does, and no per-request Vert.x HTTP meters ({@link io.tollgate.http.StatusPollMetrics}).
 */
package io.tollgate.http;
