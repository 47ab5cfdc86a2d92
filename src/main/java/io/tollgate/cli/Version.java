package io.tollgate.cli;

/** The version the jar's manifest carries (Implementation-Version, written by the Maven build). */
final class Version {
  private Version() {}

  static String text() {
    String version = Version.class.getPackage().getImplementationVersion();
    // Run from target/classes (an IDE, the tests) there is no manifest to read it from.
    return "tollgate " + (version == null ? "(version unknown: not run from the jar)" : version);
  }
}
