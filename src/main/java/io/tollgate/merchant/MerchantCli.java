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
 * its API key, which is stored only as a hash.
 */
public final class MerchantCli {
  private MerchantCli() {}

  public static int run(String[] args, Settings settings, PrintStream out) {
    if (args.length == 0 || !args[0].equals("create")) {
      out.println("usage: merchant create --name NAME --method CHAIN_ID:TOKEN:0xRECIPIENT [--method ...]"
          + " [--payer-binding required|optional]");
      return 2;
    }
    String name = null;
    List<PaymentMethod> methods = new ArrayList<>();
    PayerBinding payerBinding = PayerBinding.REQUIRED;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--name" -> name = args[i + 1];
        case "--method" -> methods.add(PaymentMethod.parse(args[i + 1]));
        case "--payer-binding" -> {
          try {
            payerBinding = PayerBinding.fromCode(args[i + 1]);
          } catch (IllegalArgumentException e) {
            out.println(e.getMessage());
            return 2;
          }
        }
        default -> {
          out.println("unknown option " + args[i]);
          return 2;
        }
      }
    }
    String url = settings.optional("database.url");
    if (name == null || methods.isEmpty() || url == null) {
      out.println("--name, at least one --method and database.url (or TOLLGATE_DATABASE_URL) are required");
      return 2;
    }
    DatabaseSettings db = DatabaseSettings.fromUrl(url);
    Migrations.migrate(db);
    MerchantAdmin.CreatedMerchant created = new MerchantAdmin(db).create(name, methods, payerBinding);
    out.println("merchant " + created.merchantId());
    out.println("api key  " + created.apiKey() + "   (shown once; store it now)");
    if (payerBinding == PayerBinding.OPTIONAL) {
      out.println("warning: payer binding is optional: two checkouts of the same amount can be paid with one transfer"
          + " by whoever claims it first");
    }
    return 0;
  }
}
