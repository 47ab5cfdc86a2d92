/**
 * HTTP intake: routes and validation from the OpenAPI document, merchant and buyer handlers,
 * webhook routes (endpoints, delivery log, inbound intake, the operator's {@link
 * io.tollgate.http.AdminAuth}-guarded admin calls: inbound events, merchants and API keys), health
 * and metrics. Authentication runs before validation; a known path asked with another method is a
 * 405 with {@code Allow}. Handlers are thin; the
 * logic lives in the services. What the status poll's fast lane shares with the router (validation
 * built once, CORS rules, error rendering, buyer access) is {@code io.tollgate.http.hotpath}, which
 * this package builds on; only the composition root ({@code io.tollgate}) and {@code dev} depend on
 * this package.
 *
 * <p>Public face (4 of 11 types; everything else is package-private): {@link
 * io.tollgate.http.AdminAuth}, {@link io.tollgate.http.HttpDependencies}, {@link
 * io.tollgate.http.HttpSettings}, {@link io.tollgate.http.HttpVerticle}.
 */
package io.tollgate.http;
