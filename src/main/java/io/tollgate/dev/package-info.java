/**
 * Development mode: what lets a newcomer run Tollgate with nothing but a JDK, Maven and Node
 * (a local anvil chain, the demo stablecoin, an embedded PostgreSQL, a demo merchant).
 */
package io.tollgate.dev;
