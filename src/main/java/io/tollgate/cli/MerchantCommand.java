package io.tollgate.cli;

import io.tollgate.merchant.AmountRules;
import io.tollgate.merchant.ApiKeyRegistry;
import io.tollgate.merchant.KeyMode;
import io.tollgate.merchant.MerchantDirectory;
import io.tollgate.merchant.PayerBinding;
import io.tollgate.merchant.PaymentMethod;
import io.tollgate.merchant.PaymentMethodRules;
import io.tollgate.config.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code tollgate merchant create|list|show|update}: merchants and their payment methods without
 * SQL. Every option is checked before the database is opened (known chains and tokens, checksummed
 * addresses); every mistake is one line and exit code 2.
 */
final class MerchantCommand {
  private MerchantCommand() {}

  static int run(List<String> args, Settings settings, PrintStream out, PrintStream err) {
    String sub = args.get(0);
    String command = "tollgate merchant " + sub;
    List<String> rest = args.subList(1, args.size());
    try {
      PaymentMethodRules rules = AdminSession.rules(settings);
      AdminSession.Work work = switch (sub) {
        case "create" -> create(command, rest, rules, out, err);
        case "list" -> list(command, rest, out);
        case "show" -> show(command, rest, out);
        default -> update(command, rest, rules, out);
      };
      return AdminSession.run(settings, rules, command, err, work);
    } catch (AdminSession.Failure f) {
      err.println(command + ": " + f.getMessage());
      return f.exitCode;
    }
  }

  private static AdminSession.Work create(String command, List<String> args, PaymentMethodRules rules, PrintStream out,
      PrintStream err) throws AdminSession.Failure {
    Options o = Options.parse(command, args, Set.of("--name", "--method", "--payer-binding", "--mode", "--tolerance-stablecoin-bps",
        "--tolerance-native-bps", "--overpayments", "--allowed-origins"), Set.of("--method"));
    AmountRules amounts = amounts(o);
    String name = o.required("--name");
    List<PaymentMethod> methods = methods(o.all("--method"), rules);
    if (methods.isEmpty()) throw new AdminSession.Failure(2, "at least one --method CHAIN_ID:TOKEN:0xRECIPIENT is required");
    PayerBinding binding = o.get("--payer-binding") == null ? PayerBinding.REQUIRED
        : AdminSession.checked(PayerBinding::fromCode, o.get("--payer-binding"));
    KeyMode mode = o.get("--mode") != null ? AdminSession.checked(KeyMode::fromCode, o.get("--mode")) : modeOf(methods, rules);
    List<String> origins = o.get("--allowed-origins") == null ? List.of() : origins(o.get("--allowed-origins"));
    return session -> {
      JsonObject merchant = AdminSession.await(session.merchants.create(name, binding, methods, amounts, origins));
      UUID id = UUID.fromString(merchant.getString("id"));
      ApiKeyRegistry.CreatedKey key = AdminSession.await(session.keys.create(id, mode));
      out.println("merchant " + id);
      out.println("api key  " + key.key() + "   (" + mode.code() + "; shown once: store it now)");
      if (binding == PayerBinding.OPTIONAL) {
        err.println("warning: payer binding is optional: two checkouts of the same amount can be paid with one transfer"
            + " by whoever claims it first");
      }
    };
  }

  private static AdminSession.Work list(String command, List<String> args, PrintStream out) throws AdminSession.Failure {
    Options.parse(command, args, Set.of(), Set.of());
    return session -> {
      JsonArray all = AdminSession.await(session.merchants.list());
      if (all.isEmpty()) out.println("no merchants yet (tollgate merchant create --help)");
      for (int i = 0; i < all.size(); i++) print(all.getJsonObject(i), out);
    };
  }

  private static AdminSession.Work show(String command, List<String> args, PrintStream out) throws AdminSession.Failure {
    UUID id = CliIds.uuid("--merchant", Options.parse(command, args, Set.of("--merchant"), Set.of()).required("--merchant"));
    return session -> print(AdminSession.await(session.merchants.get(id)), out);
  }

  private static AdminSession.Work update(String command, List<String> args, PaymentMethodRules rules, PrintStream out)
      throws AdminSession.Failure {
    Options o = Options.parse(command, args, Set.of("--merchant", "--name", "--payer-binding", "--add-method", "--remove-method",
        "--tolerance-stablecoin-bps", "--tolerance-native-bps", "--overpayments", "--allowed-origins"),
        Set.of("--add-method", "--remove-method"));
    UUID id = CliIds.uuid("--merchant", o.required("--merchant"));
    List<PaymentMethod> add = methods(o.all("--add-method"), rules);
    PayerBinding binding = o.get("--payer-binding") == null ? null : AdminSession.checked(PayerBinding::fromCode, o.get("--payer-binding"));
    List<String> origins = o.get("--allowed-origins") == null ? null : origins(o.get("--allowed-origins"));
    MerchantDirectory.Update update = new MerchantDirectory.Update(o.get("--name"), binding, null, add, o.all("--remove-method"),
        amounts(o), origins);
    if (update.isEmpty()) {
      throw new AdminSession.Failure(2, "nothing to change: give --name, --payer-binding, --add-method, --remove-method,"
          + " --tolerance-stablecoin-bps, --tolerance-native-bps, --overpayments or --allowed-origins");
    }
    return session -> print(AdminSession.await(session.merchants.update(id, update)), out);
  }

  /** {@code --allowed-origins https://a.example,https://b.example} (an empty value clears them), checked before any database work. */
  private static List<String> origins(String csv) throws AdminSession.Failure {
    List<String> given = csv.isBlank() ? List.of() : List.of(csv.split(",", -1));
    return AdminSession.checked(v -> io.tollgate.merchant.AllowedOrigins.check(given.stream().map(String::strip).toList()), csv);
  }

  /** The amount rules given (each checked: 0 to 1000 basis points; accept or refuse); absent ones stay as they are. */
  private static AmountRules amounts(Options o) throws AdminSession.Failure {
    Integer stable = bps(o, "--tolerance-stablecoin-bps");
    Integer nativeBps = bps(o, "--tolerance-native-bps");
    String overpayments = o.get("--overpayments");
    return AdminSession.checked(ignored -> new AmountRules(stable, nativeBps, overpayments), "");
  }

  private static Integer bps(Options o, String option) throws AdminSession.Failure {
    String value = o.get(option);
    if (value == null) return null;
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw new AdminSession.Failure(2, option + " is a whole number of basis points (1 = 0.01 %) from 0 to "
          + AmountRules.MAX_TOLERANCE_BPS + ", not '" + value + "'");
    }
  }

  private static List<PaymentMethod> methods(List<String> specs, PaymentMethodRules rules) throws AdminSession.Failure {
    List<PaymentMethod> methods = new ArrayList<>();
    for (String spec : specs) methods.add(AdminSession.checked(rules::parse, spec));
    return methods;
  }

  /** A merchant's first key: test if all its methods are on test networks, live if none are; mixed needs --mode. */
  private static KeyMode modeOf(List<PaymentMethod> methods, PaymentMethodRules rules) throws AdminSession.Failure {
    long tests = methods.stream().filter(m -> rules.isTestnet(m.chainId())).count();
    if (tests == methods.size()) return KeyMode.TEST;
    if (tests == 0) return KeyMode.LIVE;
    throw new AdminSession.Failure(2, "the methods mix test and live networks: say which key to create first with"
        + " --mode test or --mode live (create the other with tollgate key create)");
  }

  private static void print(JsonObject m, PrintStream out) {
    JsonObject tolerance = m.getJsonObject("underpaymentTolerance");
    out.println(m.getString("id") + "  " + m.getString("name") + "  payer binding " + m.getString("payerBinding")
        + "  created " + m.getString("createdAt"));
    out.println("  tolerance " + tolerance.getInteger("stablecoinBps") + " bps stablecoins, " + tolerance.getInteger("nativeBps")
        + " bps native  over-payments " + m.getString("overpayments"));
    JsonArray origins = m.getJsonArray("allowedOrigins", new JsonArray());
    if (!origins.isEmpty()) {
      out.println("  may embed the payment page: " + origins.stream().map(String::valueOf)
          .collect(java.util.stream.Collectors.joining(", ")));
    }
    JsonArray methods = m.getJsonArray("paymentMethods");
    for (int i = 0; i < methods.size(); i++) {
      JsonObject pm = methods.getJsonObject(i);
      out.println("  " + pm.getLong("chainId") + ":" + pm.getString("token") + ":" + pm.getString("recipient")
          + "  (" + pm.getString("mode") + ")");
    }
  }
}
