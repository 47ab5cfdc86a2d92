/**
 * HTTP intake: routes and validation from the OpenAPI document, merchant and buyer handlers,
 * CORS, error rendering, health and metrics. Handlers are thin; the logic lives in the services.
 */
package io.tollgate.http;
