/**
 * The wire contract shared by every capability: error codes and the exception that carries them.
 *
 * <p>Public face (4 of 4 types): {@link io.tollgate.api.ErrorCode}, {@link io.tollgate.api.ApiException},
 * {@link io.tollgate.api.Unavailability}, {@link io.tollgate.api.Rfc3339} (every timestamp sent, with milliseconds).
 */
package io.tollgate.api;
