package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.Scenario.Settings;
import io.zerodrop.scenario.ScenarioException;
import io.zerodrop.scenario.ScenarioLoader;
import io.zerodrop.scenario.Setting;
import io.zerodrop.workload.Probe;
import io.zerodrop.workload.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The settings under test as one registry ({@link Setting}): every setting loads from where the README says it is
 * written, is refused out of range with its place in the file, reads back as its plan line, changes the workload on
 * the local runtime, and has its change and its permission on a cluster. A setting added to the list without all of
 * that fails here.
 */
class SettingsRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @BeforeEach
    void manifests() throws Exception {
        Files.createDirectories(dir.resolve("m"));
    }

    /** A value the setting takes that differs from every default in the fixtures below. */
    private static String valid(Setting k) {
        return k.whole() ? String.valueOf(Math.max(k.min(), 2)) : "2";
    }

    private Path scenario(Setting k, String value) throws Exception {
        String at = k.section().map(s -> "  " + s + ":\n    " + k.field() + ": \"" + value + "\"\n")
                .orElse("  " + k.field() + ": \"" + value + "\"\n");
        return Files.writeString(dir.resolve(k.key() + ".yaml"), "target: {manifests: m}\nsettings:\n" + at
                + "traffic: {rate: 10}\n");
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void everySettingLoadsFromItsPlaceAndReadsBackAsItsPlanLine(Setting k) throws Exception {
        Scenario s = ScenarioLoader.load(scenario(k, valid(k)), 1);

        assertThat(s.settings().values()).containsExactly(Map.entry(k, valid(k)));
        assertThat(s.settings().describe()).containsExactly(k.describe(valid(k)));
        assertThat(Settings.problem(k.key(), valid(k))).isNull();
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void everySettingIsRefusedOutOfRangeWithItsPlaceInTheFile(Setting k) throws Exception {
        String bad = k.whole() ? String.valueOf(k.max() + 1) : "lots";
        Path f = scenario(k, bad);

        assertThatThrownBy(() -> ScenarioLoader.load(f, 1)).isInstanceOf(ScenarioException.class)
                .hasMessageStartingWith(f + ":" + (k.section().isPresent() ? 4 : 3) + ":")
                .hasMessageContaining("'settings." + k.path() + "'").hasMessageContaining("\"" + bad + "\"")
                .hasMessageContaining(k.expected());
        assertThat(Settings.problem(k.key(), bad)).isEqualTo("expected " + k.expected());
        assertThatThrownBy(() -> Settings.NONE.with(Map.of(k, bad))).hasMessageContaining(k.key())
                .hasMessageContaining(k.expected());
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void everySettingChangesTheWorkloadOnTheLocalRuntime(Setting k) {
        Workload w = new Workload("Deployment", "app", 3, Map.of("app", "web"), "app", "img", List.of(), List.of(),
                Map.of(), List.of(), 8080, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new Probe(Probe.EXEC, "", 0, List.of("sleep", "1"), 0, 0, 0, 0, 0, 0)), 30, "25%", "25%",
                Optional.empty(), Optional.empty());

        Workload applied = Settings.NONE.with(Map.of(k, valid(k))).applyTo(w);

        assertThat(applied).as(k.key() + " changes the workload the local runtime runs").isNotEqualTo(w);
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void everySettingHasItsChangeAndItsPermissionOnACluster(Setting k) throws Exception {
        Settings s = Settings.NONE.with(Map.of(k, valid(k)));
        ClusterTarget target = new ClusterTarget("Deployment", "web", "shop", Map.of("app", "web"),
                Map.of("app", "web"), 3, List.of("web"), List.of());
        SettingsUnderTest cluster = new SettingsUnderTest(null, "shop", true, null);

        String field;
        if (k.part() == Setting.Part.BUDGET) {
            JsonNode created = JSON.readTree(new BudgetUnderTest(null, "shop", null, cluster).change(target, s).apply());
            field = created.path("spec").path(k.field()).asText();
            assertThat(field).as(k.key() + " in the budget zerodrop creates").isEqualTo(valid(k));
        } else {
            JsonNode ops = JSON.readTree(cluster.deploymentChange(deployment(), s).apply());
            List<JsonNode> changes = StreamSupport.stream(ops.spliterator(), false)
                    .filter(op -> !op.path("op").asText().equals("test")).toList();
            assertThat(changes).as(k.key() + " patches the Deployment").isNotEmpty();
            assertThat(changes.toString()).as(k.key() + "'s value in the patch").contains(valid(k));
        }
        assertThat(Preflight.forSettings(s, target)).as(k.key() + " needs a permission preflight asks for")
                .isNotEmpty();
    }

    @Test
    void reportJsonShowsEverySettingByItsKeyAsItAlwaysHas() {
        Settings s = new Settings(Map.of(Setting.PRE_STOP_SLEEP_SECONDS, "5", Setting.MAX_SURGE, "25%"),
                Map.of("SHUTDOWN_DELAY_MS", "1000"));

        JsonNode json = JSON.valueToTree(s);

        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("replicas", "terminationGracePeriodSeconds", "preStopSleepSeconds", "env",
                "readinessPeriodSeconds", "readinessFailureThreshold", "readinessInitialDelaySeconds", "maxSurge",
                "maxUnavailable", "pdbMinAvailable", "pdbMaxUnavailable");
        assertThat(json.path("preStopSleepSeconds").isNumber()).isTrue();
        assertThat(json.path("preStopSleepSeconds").asLong()).isEqualTo(5);
        assertThat(json.path("maxSurge").asText()).isEqualTo("25%");
        assertThat(json.path("replicas").isNull()).isTrue();
        assertThat(json.path("env").path("SHUTDOWN_DELAY_MS").asText()).isEqualTo("1000");
    }

    @Test
    void tuneSearchesTheTunableSettingsAndTheReadmeDocumentsEverySetting() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting k : Setting.values()) {
            String line = readme.lines().filter(l -> l.startsWith("  " + k.section().orElse(k.field()) + ": "))
                    .findFirst().orElse("");
            assertThat(line).as("README's scenario format shows " + k.path()).contains(k.field() + ":");
            if (k.whole()) {
                assertThat(line).as("README's scenario format gives the range of " + k.path())
                        .containsPattern(k.min() + "( to |-)" + k.max());
            }
        }
        for (String key : Setting.tunableKeys()) {
            assertThat(readme).as("README's tune reference names " + key).contains("`" + key + "`");
        }
    }

    private static Deployment deployment() {
        return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("shop")
                .withResourceVersion("7").endMetadata()
                .withNewSpec().withReplicas(3).withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(new IntOrString("25%")).withMaxUnavailable(new IntOrString("25%")).endRollingUpdate()
                .endStrategy().withNewTemplate().withNewSpec().withTerminationGracePeriodSeconds(30L)
                .addNewContainer().withName("app").withImage("img").addNewPort().withContainerPort(8080).endPort()
                .endContainer().endSpec().endTemplate().endSpec().build();
    }
}
