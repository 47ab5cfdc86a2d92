/**
 * The composition root: {@link io.tollgate.Main} hands the command line to {@code io.tollgate.cli}
 * ({@code serve}, {@code dev}, {@code merchant}); {@link io.tollgate.Tollgate} migrates, builds a
 * {@code Foundation} and one module per subsystem ({@code ChainModule}, {@code CheckoutModule},
 * {@code PaymentModule}, {@code RateLimitModule}, {@code WatchModule}, {@code WebhookModule},
 * {@code HttpModule}: each its verticles in start order and its readiness checks) and deploys them.
 * With {@code cli} and {@code dev}, the only package that may depend on {@code http}, {@code watch}
 * and {@code inbound}; {@code PackageLayersTest} checks the layers.
 */
package io.tollgate;
