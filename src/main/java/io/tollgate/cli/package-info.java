/**
 * The command line: {@code tollgate dev} (development, everything generated or embedded),
 * {@code tollgate serve} (deployments, the default; refuses to start on missing settings) and
 * the operator's {@code tollgate merchant create|list|show|update} and {@code tollgate key
 * create|list|rotate|revoke}. Parses arguments, checks settings and reports; never exits the
 * JVM itself: {@link io.tollgate.Main} turns the answer into an exit code.
 */
package io.tollgate.cli;
