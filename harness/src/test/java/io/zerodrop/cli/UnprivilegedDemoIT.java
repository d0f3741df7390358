package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.JvmTemp;
import io.zerodrop.testsupport.HostTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The README promises that the demo runs without root. Run as root (CI), this runs the packaged {@code zerodrop}
 * launcher as the user nobody: the Service port 80 of the overlays cannot be bound, so the userspace Service serves
 * it on an unprivileged port and the report says so. An IT: it needs the packaged launcher (harness/target/lib).
 */
class UnprivilegedDemoIT {
    @Test
    void theDemoRunsAsAnUnprivilegedUserAndReportsThePortItUsed() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can switch to the user nobody to try this");
        HostTool.require("runuser", "util-linux's runuser, to run zerodrop as the user nobody");
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        Path home = Path.of(System.getProperty("user.dir")).getParent();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "zd-nobody-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path out = dir.resolve("demo");
        Process p = new ProcessBuilder("runuser", "-u", "nobody", "--", home.resolve("zerodrop").toString(), "demo",
                "--out", out.toString()).redirectError(dir.resolve("err.txt").toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).start();
        try {
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            String said = Files.readString(dir.resolve("err.txt")) + Files.readString(dir.resolve("out.txt"));
            // a machine too busy to judge a variant says so (exit 3); the reports still show the runtime it used
            boolean judged = p.exitValue() != ExitCodes.ENVIRONMENT || !said.contains("this machine could not judge");
            if (judged) {
                assertThat(p.exitValue()).as(said).isZero();
                assertThat(said).contains("naive", "FAILED", "PASSED");
            }
            for (String variant : new String[] {"naive", "hardened"}) {
                JsonNode r = new ObjectMapper().readTree(out.resolve(variant).resolve("report.json").toFile());
                JsonNode runtime = r.path("header").path("settings").path("runtime");
                assertThat(runtime.path("serviceMechanism").asText()).startsWith("userspace");
                assertThat(runtime.path("servicePort").asText()).startsWith("Service port 80 is served on")
                        .contains("ports below 1024 need root");
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            JvmTemp.delete(dir);
        }
    }
}
