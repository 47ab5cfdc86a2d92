/**
 * HTTP intake: routes and validation from the OpenAPI document, merchant and buyer handlers,
 * webhook routes (endpoints, delivery log, inbound intake, the operator's {@link
 * io.tollgate.http.AdminAuth}-guarded admin calls), CORS, error rendering, health and metrics.
 * Handlers are thin; the logic lives in the services.
 */
package io.tollgate.http;
