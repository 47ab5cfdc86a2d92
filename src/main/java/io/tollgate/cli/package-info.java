/**
 * The command line: {@code tollgate dev} (development, everything generated or embedded),
 * {@code tollgate serve} (deployments, the default; refuses to start on missing settings) and
 * {@code tollgate merchant create}. Parses arguments, checks settings and reports; never exits the
 * JVM itself: {@link io.tollgate.Main} turns the answer into an exit code.
 */
package io.tollgate.cli;
