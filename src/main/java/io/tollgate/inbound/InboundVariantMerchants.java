package io.tollgate.inbound;

import io.tollgate.config.InvalidSettingsException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Start-up check that every inbound variant's merchant exists. Only the database knows, so it runs
 * after the migrations; without it a mistyped uuid was accepted at start and every event of that
 * variant then failed on the missing merchant (a 500 per delivery, the provider retrying for days).
 */
public final class InboundVariantMerchants {
  private InboundVariantMerchants() {}

  /** Succeeds when every variant's merchant is a row of {@code merchants}; else fails listing each variant that is not. */
  public static Future<Void> requireExisting(Pool pool, Map<String, InboundVariant> variants) {
    if (variants.isEmpty()) return Future.succeededFuture();
    UUID[] ids = variants.values().stream().map(InboundVariant::merchantId).distinct().toArray(UUID[]::new);
    return pool.preparedQuery("SELECT id FROM merchants WHERE id = ANY($1)")
        .execute(Tuple.of(ids))
        .compose(rows -> {
          Set<UUID> existing = new HashSet<>();
          for (Row row : rows) existing.add(row.getUUID("id"));
          List<String> problems = new ArrayList<>();
          variants.forEach((name, variant) -> {
            if (!existing.contains(variant.merchantId())) {
              problems.add("webhooks.inbound." + name + ".merchant: no merchant " + variant.merchantId()
                  + " in the database (create one with `tollgate merchant create`, or fix the uuid)");
            }
          });
          return problems.isEmpty() ? Future.<Void>succeededFuture()
              : Future.failedFuture(new InvalidSettingsException("inbound webhook variants name merchants that do not exist:", problems));
        });
  }
}
