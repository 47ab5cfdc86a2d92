package io.tollgate.cli;

import java.util.UUID;

/** Ids given on the command line, refused in one line when they are not ids. */
final class CliIds {
  private CliIds() {}

  static UUID uuid(String option, String value) throws AdminSession.Failure {
    try {
      UUID id = UUID.fromString(value);
      if (id.toString().equalsIgnoreCase(value)) return id;
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new AdminSession.Failure(2, option + " must be an id like 0b7e2f9c-4a1d-4c7e-9f3a-2d5b8c6e1a04, not '" + value + "'");
  }
}
