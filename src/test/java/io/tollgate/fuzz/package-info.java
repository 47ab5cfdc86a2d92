/**
 * The fuzz target for request handling (issue 22): {@link io.tollgate.fuzz.ApiOperations} reads the
 * operations, parameters and body schemas of {@code openapi.yaml}; {@link io.tollgate.fuzz.HostileRequests}
 * turns them, from a seed, into malformed and hostile HTTP/1.1 requests as bytes; {@link io.tollgate.fuzz.RawHttp}
 * sends them on a raw socket; {@code RequestFuzzEndToEndTest} runs it against the whole service.
 */
package io.tollgate.fuzz;
