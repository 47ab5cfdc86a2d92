package io.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help, version and mistakes on every command: answered without reading settings or starting anything. */
class CommandLineTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private OptionalInt run(String... args) {
    // A configuration file that does not exist and no environment: nothing here may need them.
    return Commands.run(args, dir.resolve("absent.properties"), Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() { return out.toString(StandardCharsets.UTF_8); }

  private String err() { return err.toString(StandardCharsets.UTF_8); }

  @Test
  void noCommandMeansServe() {
    assertThat(CommandLine.parse()).isEqualTo(new Invocation.Run(Invocation.Command.SERVE, java.util.List.of()));
  }

  @Test
  void eachCommandHasItsOwnHelp() {
    assertThat(run("--help")).hasValue(0);
    assertThat(out()).contains("usage: tollgate [serve]").contains("tollgate dev");
    for (String[] args : new String[][] {{"serve", "--help"}, {"dev", "-h"}, {"merchant", "--help"}, {"merchant", "create", "--help"}}) {
      out.reset();
      assertThat(run(args)).as(String.join(" ", args)).hasValue(0);
      assertThat(out()).as(String.join(" ", args)).startsWith("usage: tollgate " + (args[0].equals("merchant") ? "merchant create" : args[0]));
    }
    assertThat(CommandLine.parse("serve", "--help")).isEqualTo(new Invocation.Help(Help.SERVE));
    assertThat(CommandLine.parse("merchant", "create", "--name", "x", "--help")).isEqualTo(new Invocation.Help(Help.MERCHANT_CREATE));
    assertThat(err()).isEmpty();
  }

  @Test
  void serveHelpListsTheRequiredSettings() {
    run("serve", "--help");
    assertThat(out()).contains("database.url", "secrets.client-secret-key", "secrets.webhook-keys", "chains",
        "chain.<id>.rpc-urls", "chain.<id>.tokens", "webhooks.inbound.<v>");
  }

  @Test
  void versionEverywhere() {
    for (String[] args : new String[][] {{"--version"}, {"serve", "--version"}, {"dev", "--version"}, {"merchant", "--version"},
        {"merchant", "create", "-V"}}) {
      out.reset();
      assertThat(run(args)).as(String.join(" ", args)).hasValue(0);
      assertThat(out()).as(String.join(" ", args)).startsWith("tollgate ");
    }
  }

  @Test
  void unknownCommandsAndOptionsAreOneLineAndExitCode2() {
    for (String[] args : new String[][] {{"start"}, {"--verbose"}, {"serve", "--port", "80"}, {"dev", "now"}, {"merchant"},
        {"merchant", "delete"}, {"merchant", "create", "--colour", "red"}, {"merchant", "create", "--name"}}) {
      err.reset();
      assertThat(run(args)).as(String.join(" ", args)).hasValue(2);
      assertThat(err().strip()).as(String.join(" ", args)).isNotEmpty().doesNotContain("\n").doesNotContain("Exception");
    }
  }

  @Test
  void aValueThatLooksLikeAnOptionIsStillAValue() {
    assertThat(CommandLine.parse("merchant", "create", "--name", "--help", "--method", "1:USDC:0x" + "0".repeat(40)))
        .isInstanceOf(Invocation.Run.class);
  }

  @Test
  void serveWithoutSettingsRefusesWithTheWholeList() {
    assertThat(run("serve")).hasValue(1);
    assertThat(err()).contains("refusing to start, 4 settings are missing or invalid", "database.url", "secrets.client-secret-key",
        "secrets.webhook-keys", "chains");
    assertThat(out()).isEmpty();
  }
}
