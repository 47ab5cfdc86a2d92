package io.tollgate.cli;

import io.tollgate.cli.Invocation.Command;
import java.util.Arrays;
import java.util.List;

/**
 * {@code tollgate [--help | --version] [serve | dev | merchant SUB OPTIONS | key SUB OPTIONS]}; no command means
 * {@code serve}. Every command takes {@code --help} and {@code --version}; anything unknown is a
 * {@link Invocation.Mistake}. Pure: parsing never reads settings or starts anything.
 */
final class CommandLine {
  private CommandLine() {}

  static Invocation parse(String... args) {
    if (args.length == 0) return new Invocation.Run(Command.SERVE, List.of());
    String first = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    switch (first) {
      case "serve":
        return service(Command.SERVE, "serve", Help.SERVE, rest);
      case "dev":
        return service(Command.DEV, "dev", Help.DEV, rest);
      case "merchant":
        return admin(Command.MERCHANT, "merchant", MERCHANT_SUBCOMMANDS, rest);
      case "key":
        return admin(Command.KEY, "key", KEY_SUBCOMMANDS, rest);
      case "healthcheck":
        return service(Command.HEALTHCHECK, "healthcheck", Help.HEALTHCHECK, rest);
      default:
        Invocation common = common(first, Help.TOP);
        if (common != null) return common;
        return first.startsWith("-")
            ? new Invocation.Mistake("tollgate: unknown option " + first + " (see tollgate --help)")
            : new Invocation.Mistake("tollgate: unknown command '" + first + "' (commands: serve, dev, merchant, key, healthcheck; see tollgate --help)");
    }
  }

  /** serve, dev and healthcheck take no arguments besides --help and --version. */
  private static Invocation service(Command command, String name, String help, List<String> rest) {
    for (String arg : rest) {
      Invocation common = common(arg, help);
      if (common != null) return common;
      return new Invocation.Mistake("tollgate " + name + ": unknown " + (arg.startsWith("-") ? "option " : "argument ")
          + arg + " (see tollgate " + name + " --help)");
    }
    return new Invocation.Run(command, List.of());
  }

  private static final List<String> MERCHANT_SUBCOMMANDS = List.of("create", "list", "show", "update");
  private static final List<String> KEY_SUBCOMMANDS = List.of("create", "list", "rotate", "revoke");

  /** {@code merchant} and {@code key}: a subcommand, then its options (read by the command itself). */
  private static Invocation admin(Command command, String name, List<String> subcommands, List<String> rest) {
    String help = command == Command.MERCHANT ? Help.MERCHANT : Help.KEY;
    if (rest.isEmpty()) {
      return new Invocation.Mistake("tollgate " + name + ": missing subcommand (" + String.join(", ", subcommands)
          + "; see tollgate " + name + " --help)");
    }
    String sub = rest.get(0);
    if (!subcommands.contains(sub)) {
      Invocation common = common(sub, help);
      if (common != null) return common;
      return new Invocation.Mistake("tollgate " + name + ": unknown " + (sub.startsWith("-") ? "option " : "subcommand ")
          + sub + " (" + String.join(", ", subcommands) + "; see tollgate " + name + " --help)");
    }
    List<String> options = rest.subList(1, rest.size());
    String subHelp = command == Command.MERCHANT && sub.equals("create") ? Help.MERCHANT_CREATE : help;
    // Options come in pairs (--name NAME): only option positions are looked at, so a value may be anything.
    for (int i = 0; i < options.size(); i += 2) {
      Invocation common = common(options.get(i), subHelp);
      if (common != null) return common;
    }
    return new Invocation.Run(command, List.copyOf(rest)); // the command reads its subcommand itself
  }

  private static Invocation common(String arg, String help) {
    switch (arg) {
      case "--help":
      case "-h":
        return new Invocation.Help(help);
      case "--version":
      case "-V":
        return new Invocation.Version();
      default:
        return null;
    }
  }
}
