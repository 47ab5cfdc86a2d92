/**
 * The shared test kit: real backing services and one way to wait for async results.
 *
 * <ul>
 *   <li>{@link io.tollgate.testing.Async}: {@code await(future)} and {@code awaitFailure(future)}
 *       from a test thread, with a timeout and the future's own cause. Use it instead of a local
 *       {@code static <T> T await(Future<T>)}; never {@code Thread.sleep} to wait for something a
 *       future reports. Tests written with {@code VertxTestContext} need not change: this is for plain JUnit.
 *   <li>{@link io.tollgate.testing.TestVertx}: a Vert.x per test class, optionally with a fresh
 *       migrated database ({@link io.tollgate.testing.TestPostgres}) and a pool; {@code sql},
 *       {@code one} and {@code count} for setup and assertions.
 *   <li>{@link io.tollgate.testing.TestRows}: merchants and checkouts inserted directly, so a
 *       service test does not depend on another service.
 *   <li>{@link io.tollgate.testing.MutableClock}: time moved by hand (expiry, retry schedules).
 *   <li>{@link io.tollgate.testing.StubEthRpc}: a chain that only answers {@code eth_getCode}
 *       (signature checks of ordinary accounts); {@link io.tollgate.testing.TestChain} drives a
 *       real anvil; {@link io.tollgate.testing.TestRedis} finds a Redis.
 *   <li>{@link io.tollgate.testing.TcpFaultProxy}: a loopback proxy in front of PostgreSQL or Redis
 *       that refuses or hangs on demand (outage tests).
 * </ul>
 */
package io.tollgate.testing;
