package io.tollgate.merchant;

import io.tollgate.config.Settings;
import io.tollgate.db.DatabaseSettings;
import io.tollgate.db.Migrations;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code merchant create --name NAME --method CHAIN:TOKEN:0xRECIPIENT [--method ...]
 * [--payer-binding required|optional]}: creates a merchant against {@code database.url} and prints
 * its API key, which is stored only as a hash. Mistakes are one line on {@code err} and exit code
 * 2; {@code --help} is handled by the caller.
 */
public final class MerchantCli {
  private MerchantCli() {}

  public static int run(String[] args, Settings settings, PrintStream out, PrintStream err) {
    if (args.length == 0 || !args[0].equals("create")) {
      err.println("usage: merchant create --name NAME --method CHAIN_ID:TOKEN:0xRECIPIENT [--method ...]"
          + " [--payer-binding required|optional]");
      return 2;
    }
    String name = null;
    List<PaymentMethod> methods = new ArrayList<>();
    PayerBinding payerBinding = PayerBinding.REQUIRED;
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 == args.length) {
        err.println("merchant create: option " + args[i] + " needs a value");
        return 2;
      }
      try {
        switch (args[i]) {
          case "--name" -> name = args[i + 1];
          case "--method" -> methods.add(PaymentMethod.parse(args[i + 1]));
          case "--payer-binding" -> payerBinding = PayerBinding.fromCode(args[i + 1]);
          default -> {
            err.println("merchant create: unknown option " + args[i] + " (see tollgate merchant create --help)");
            return 2;
          }
        }
      } catch (IllegalArgumentException e) { // a malformed --method or --payer-binding (NumberFormatException included)
        err.println("merchant create: " + e.getMessage());
        return 2;
      }
    }
    String url = settings.optional("database.url");
    if (name == null || methods.isEmpty() || url == null) {
      err.println("merchant create: --name, at least one --method and database.url (or TOLLGATE_DATABASE_URL) are required");
      return 2;
    }
    MerchantAdmin.CreatedMerchant created;
    try {
      DatabaseSettings db = DatabaseSettings.fromUrl(url);
      Migrations.migrate(db);
      created = new MerchantAdmin(db).create(name, methods, payerBinding);
    } catch (RuntimeException e) {
      err.println("merchant create: failed: " + e.getMessage());
      return 1;
    }
    out.println("merchant " + created.merchantId());
    out.println("api key  " + created.apiKey() + "   (shown once; store it now)");
    if (payerBinding == PayerBinding.OPTIONAL) {
      err.println("warning: payer binding is optional: two checkouts of the same amount can be paid with one transfer"
          + " by whoever claims it first");
    }
    return 0;
  }
}
