package io.tollgate.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Development mode's anvil runs in a session of its own, so the Ctrl-C a terminal sends to the
 * foreground process group reaches the JVM alone: Tollgate stops first (one line) and then stops
 * anvil, instead of anvil dropping the service's WebSocket under it (a warning after the stop began).
 */
class AnvilProcessTest {

  @Test
  void developmentModesAnvilIsInASessionOfItsOwnAndStillStopsWithTheService() throws IOException {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")) && Files.isReadable(Path.of("/proc/self/stat")));
    AnvilProcess anvil = AnvilProcess.startDetached(AnvilProcess.defaultProjectDir(), 31337);
    long pid = anvil.pid();
    try {
      String[] stat = stat(pid);
      assertThat(stat[1]).as("the process is anvil itself (setsid exec'd it)").isEqualTo("(anvil)");
      assertThat(stat[5]).as("its session").isNotEqualTo(stat(ProcessHandle.current().pid())[5]);
    } finally {
      anvil.close();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("stopped by close()").isFalse();
  }

  /** {@code /proc/<pid>/stat} split into fields (the command name holds no space here). */
  private static String[] stat(long pid) throws IOException {
    return Files.readString(Path.of("/proc/" + pid + "/stat")).trim().split(" ");
  }
}
