package io.zerodrop.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.disruption.ApiTarget;
import io.zerodrop.disruption.DisruptionKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disruption registry is complete: every kind loads from a scenario with the keys it takes, refuses a key it
 * does not take (naming the kinds that do), makes its disruption, lists its calls for a dry run on a cluster and says
 * what access they need — so that a new kind is one class, and this test tells what it still lacks.
 */
class DisruptionKindsTest {
    /** A value for each key some kind takes. */
    private static final Map<String, String> VALUES = Map.of("grace", "5s", "node", "node-1", "timeout", "30s",
            "retry", "1s", "by", "-1", "hold", "2s");

    @TempDir
    Path dir;

    private Path scenario(String action, Map<String, String> keys) throws Exception {
        StringBuilder b = new StringBuilder("""
                target: {manifests: m}
                traffic: {rate: 10, duration: 30s}
                disruptions:
                """);
        b.append("  - action: ").append(action).append("\n    at: 1s\n");
        keys.forEach((k, v) -> b.append("    ").append(k).append(": ").append(v).append('\n'));
        Files.createDirectories(dir.resolve("m"));
        return Files.writeString(dir.resolve(action + keys.size() + ".yaml"), b.toString());
    }

    @Test
    void everyKindLoadsRefusesWhatItDoesNotTakeAndSaysWhatItCallsAndNeeds() throws Exception {
        assertThat(ScenarioLoader.OPTION_KEYS).containsExactlyInAnyOrderElementsOf(VALUES.keySet());
        Set<String> actions = new HashSet<>();
        ApiTarget target = new ApiTarget("shop", "web", 3);
        for (DisruptionKind kind : DisruptionKind.all()) {
            assertThat(actions.add(kind.action())).as("action %s named once", kind.action()).isTrue();
            assertThat(ScenarioLoader.OPTION_KEYS).as(kind.action()).containsAll(kind.keys());
            // loads with every key it takes, and makes its disruption from them
            Map<String, String> taken = new LinkedHashMap<>();
            kind.keys().forEach(k -> taken.put(k, VALUES.get(k)));
            Scenario s = ScenarioLoader.load(scenario(kind.action(), taken), 1);
            Scenario.StepSpec step = s.steps().get(0);
            assertThat(step.kind()).isSameAs(kind);
            assertThat(step.toStep().disruption().describe()).as(kind.action()).isNotBlank();
            // refuses every key it does not take, naming the kinds that do
            List<String> notTaken = ScenarioLoader.OPTION_KEYS.stream().filter(k -> !kind.keys().contains(k)).toList();
            for (String key : notTaken) {
                Path bad = scenario(kind.action(), Map.of(key, VALUES.get(key)));
                assertThatThrownBy(() -> ScenarioLoader.load(bad, 1)).as("%s with %s", kind.action(), key)
                        .hasMessageContaining("'" + key + "' applies to " + String.join(" and ",
                                DisruptionKind.taking(key)) + " only, not to " + kind.action());
            }
            // a dry run on a cluster lists its calls; the preflight asks for what they need
            String calls = kind.apiCalls(step.options(), target);
            assertThat(calls).as(kind.action()).matches("(GET|DELETE|POST|PATCH) /.*");
            assertThat(kind.access()).as(kind.action()).isNotEmpty();
            kind.access().forEach(a -> assertThat(calls).as("%s calls what it asks access for", kind.action())
                    .containsIgnoringCase(a.verb().equals("create") ? "POST" : a.verb().equals("list") ? "/nodes/"
                            : a.verb()));
        }
        assertThat(DisruptionKind.actions()).containsExactly("delete", "kill", "evict", "drain-node",
                "rollout-restart", "scale");
    }

    @Test
    void everyKindIsInTheReadmeScenarioFormat() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolveSibling("README.md"));
        assertThat(readme).as("the README's scenario format lists every action, in the registry's order")
                .contains("action: delete                            # " + String.join(" | ",
                        DisruptionKind.actions()));
        for (DisruptionKind kind : DisruptionKind.all()) {
            if (!kind.keys().isEmpty()) {
                assertThat(readme).as("README shows a step of %s with its keys", kind.action())
                        .containsPattern("action: " + kind.action() + " [^\\n]*\\n(    [^\\n]*\\n)*?    "
                                + kind.keys().get(0) + ":");
            }
        }
    }
}
