package io.tollgate.cli;

import java.util.List;

/** What the command line asks for, parsed without side effects (no settings read, nothing started). */
sealed interface Invocation {
  /** The service or an operator command; {@code args} are what follows {@code merchant} or {@code key} (the subcommand first). */
  record Run(Command command, List<String> args) implements Invocation {}

  record Help(String text) implements Invocation {}

  record Version() implements Invocation {}

  /** A user mistake: one line on stderr, exit code 2. */
  record Mistake(String message) implements Invocation {}

  enum Command { SERVE, DEV, MERCHANT, KEY, HEALTHCHECK }
}
