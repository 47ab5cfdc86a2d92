package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The files under deploy/ parse and hold what an operator relies on: the Grafana dashboard against
 * the JSON schema of the dashboard model it uses (deploy/grafana/dashboard.schema.json), panels
 * that do not overlap and query through the dashboard's data source variable; the compose file's
 * services and health checks; the alert rules' shape (promtool in .ci/run checks their PromQL).
 * Whether the series they query exist is MetricsEndToEndTest's job.
 */
class DeployFilesTest {

  @Test
  void theDashboardMatchesTheDashboardSchemaAndItsPanelsDoNotOverlap() throws IOException {
    JsonObject dashboard = new JsonObject(read("deploy/grafana/tollgate.json"));
    Validator validator = Validator.create(JsonSchema.of(new JsonObject(read("deploy/grafana/dashboard.schema.json"))),
        new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://tollgate.invalid/"));
    OutputUnit result = validator.validate(dashboard);
    assertThat(result.getValid()).as("%s", result.getErrors()).isTrue();

    Set<Integer> ids = new HashSet<>();
    Set<String> cells = new HashSet<>();
    JsonArray panels = dashboard.getJsonArray("panels");
    for (int i = 0; i < panels.size(); i++) {
      JsonObject panel = panels.getJsonObject(i);
      assertThat(ids.add(panel.getInteger("id"))).as("panel id %s is unique", panel.getInteger("id")).isTrue();
      JsonObject at = panel.getJsonObject("gridPos");
      assertThat(at.getInteger("x") + at.getInteger("w")).as(panel.getString("title")).isLessThanOrEqualTo(24);
      for (int x = at.getInteger("x"); x < at.getInteger("x") + at.getInteger("w"); x++) {
        for (int y = at.getInteger("y"); y < at.getInteger("y") + at.getInteger("h"); y++) {
          assertThat(cells.add(x + "," + y)).as("%s overlaps another panel at %s,%s", panel.getString("title"), x, y).isTrue();
        }
      }
      if (!panel.getString("type").equals("row")) {
        assertThat(panel.getJsonObject("datasource").getString("uid")).isEqualTo("${datasource}");
      }
    }
    assertThat(dashboard.getJsonObject("templating").getJsonArray("list").getJsonObject(0).getString("name"))
        .isEqualTo("datasource");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theComposeFileStartsTollgateAfterHealthyPostgresAndRedisWithItsRequiredSettings() throws IOException {
    Map<String, Object> compose = new Yaml().load(read("deploy/compose.yaml"));
    Map<String, Object> services = (Map<String, Object>) compose.get("services");
    assertThat(services).containsOnlyKeys("postgres", "redis", "tollgate");
    for (Object service : services.values()) assertThat((Map<String, Object>) service).containsKey("healthcheck");
    Map<String, Object> tollgate = (Map<String, Object>) services.get("tollgate");
    assertThat((Map<String, Object>) tollgate.get("depends_on")).containsOnlyKeys("postgres", "redis")
        .allSatisfy((name, condition) -> assertThat((Map<String, Object>) condition)
            .containsEntry("condition", "service_healthy"));
    Map<String, Object> environment = (Map<String, Object>) tollgate.get("environment");
    assertThat(environment).containsKeys("TOLLGATE_DATABASE_URL", "TOLLGATE_REDIS_URL", "TOLLGATE_SECRETS_CLIENT_SECRET_KEY",
        "TOLLGATE_SECRETS_WEBHOOK_KEYS", "TOLLGATE_CHAINS", "TOLLGATE_LOG_FORMAT");
    // secrets come from the environment, never written in the file
    assertThat(environment.get("TOLLGATE_SECRETS_CLIENT_SECRET_KEY").toString()).startsWith("${");
    assertThat((List<Object>) ((Map<String, Object>) tollgate.get("healthcheck")).get("test")).contains("healthcheck");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertRuleHasAnExpressionASeverityAndASummary() throws IOException {
    Map<String, Object> rules = new Yaml().load(read("deploy/prometheus/alerts.yml"));
    List<Map<String, Object>> groups = (List<Map<String, Object>>) rules.get("groups");
    assertThat(groups).isNotEmpty();
    Set<String> names = new HashSet<>();
    for (Map<String, Object> group : groups) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        assertThat(names.add((String) rule.get("alert"))).isTrue();
        assertThat((String) rule.get("expr")).isNotBlank();
        assertThat((Map<String, Object>) rule.get("labels")).containsKey("severity");
        assertThat((Map<String, Object>) rule.get("annotations")).containsKey("summary");
      }
    }
    assertThat(names).contains("TollgateWebhookBacklog", "TollgateChainLagging", "TollgateRpcProviderErrors",
        "TollgateRelayerBalanceLow");
  }

  private static String read(String file) throws IOException {
    return Files.readString(Path.of(System.getProperty("tollgate.project.dir", "."), file));
  }
}
