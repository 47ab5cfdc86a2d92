/**
 * The wire contract shared by every capability: error codes and the exception that carries them.
 *
 * <p>Public face (2 of 2 types): {@link io.tollgate.api.ErrorCode}, {@link io.tollgate.api.ApiException}.
 */
package io.tollgate.api;
