/**
 * The composition root: {@link io.tollgate.Main} reads the configuration and starts development
 * mode or {@link io.tollgate.Tollgate}, which migrates, wires every capability and deploys the
 * verticles. The only package (with {@code dev}) that may depend on {@code http}, {@code watch} and
 * {@code inbound}; {@code PackageLayersTest} checks the layers.
 */
package io.tollgate;
