package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The nightly workflow cannot run here (no Docker, no kind), so it is checked as far as it can be: it parses, and
 * every zerodrop command line in it names a command and options the CLI has, and a scenario that loads.
 */
class NightlyWorkflowTest {
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    @Test
    @SuppressWarnings("unchecked")
    void everyZerodropCommandTheWorkflowRunsExistsWithItsOptions() throws Exception {
        Map<String, Object> wf = new Yaml().load(Files.readString(ROOT.resolve(".github/workflows/nightly.yml")));
        Map<String, Object> jobs = (Map<String, Object>) wf.get("jobs");
        List<String> runs = new ArrayList<>();
        for (Object job : jobs.values()) {
            for (Map<String, Object> step : (List<Map<String, Object>>) ((Map<String, Object>) job).get("steps")) {
                if (step.get("run") != null) {
                    runs.add(((String) step.get("run")).replace("\\\n", " "));
                }
            }
        }
        CommandLine cli = new CommandLine(new Zerodrop());
        Pattern zd = Pattern.compile("\\./zerodrop ([a-z]+)([^\\n]*)");
        int checked = 0;
        for (String run : runs) {
            Matcher m = zd.matcher(run);
            while (m.find()) {
                String command = m.group(1);
                assertThat(cli.getSubcommands()).as("command " + command).containsKey(command);
                CommandLine sub = cli.getSubcommands().get(command);
                for (String token : m.group(2).trim().split("\\s+")) {
                    if (token.startsWith("--")) {
                        assertThat(sub.getCommandSpec().findOption(token)).as(command + " " + token).isNotNull();
                    } else if (token.endsWith(".yaml")) {
                        Scenario s = ScenarioLoader.load(ROOT.resolve(token), 1);
                        assertThat(s.workload()).isEqualTo("deployment/target-app");
                    }
                }
                checked++;
            }
        }
        assertThat(checked).as("zerodrop command lines in the workflow").isEqualTo(3);
        // an image built with a provenance attestation cannot be loaded into kind from a containerd image store
        assertThat(String.join("\n", runs)).contains("docker build --provenance=false -t zerodrop/target-app:dev",
                "kind load docker-image zerodrop/target-app:dev",
                "kubectl apply -n zerodrop-nightly -k manifests/overlays/hardened");
        assertThat(ROOT.resolve("target-app/Dockerfile")).exists();
    }
}
