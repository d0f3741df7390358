package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.zerodrop.testsupport.ChildJvm;
import io.zerodrop.testsupport.HostTool;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGINT in the middle of a local-runtime run (pods up, Gatling sending, a deletion on its way): every pod process,
 * the Gatling JVM and the Service address are gone afterwards.
 */
@Tag("slow")
class DemoAbortTest {
    private static final Pattern SERVICE = Pattern.compile("ready behind http://(127\\.\\d+\\.255\\.1):(\\d+)");

    @TempDir
    Path dir;

    @Test
    void sigintMidRunLeavesNoProcessAndNoBoundAddress() throws Exception {
        HostTool.require("kubectl", "kubectl renders the overlays with its built-in kustomize");
        Path manifests = Path.of(System.getProperty("user.dir")).resolveSibling("manifests");
        Path err = dir.resolve("err.txt");
        Process zerodrop = new ProcessBuilder(ChildJvm.command(List.of(),
                Zerodrop.class.getName(), "demo", "--manifests", manifests.toString(), "--out", dir.resolve("out").toString()))
                .redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        try {
            // a starved machine (a CI runner beside other runs) may take minutes to start 3 pods and Gatling
            await().atMost(Duration.ofMinutes(5)).until(() -> !zerodrop.isAlive()
                    || Files.readString(err).contains("[traffic]"));
            assertThat(zerodrop.isAlive()).as("the demo ended before its load began\n" + Files.readString(err))
                    .isTrue();
            Matcher m = SERVICE.matcher(Files.readString(err));
            assertThat(m.find()).isTrue();
            String vip = m.group(1);
            int port = Integer.parseInt(m.group(2));
            List<ProcessHandle> children = zerodrop.toHandle().descendants().toList();
            assertThat(children).as("3 pods and the Gatling JVM").hasSizeGreaterThanOrEqualTo(4);

            new ProcessBuilder("kill", "-INT", String.valueOf(zerodrop.pid())).start().waitFor();
            assertThat(zerodrop.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(zerodrop.exitValue()).isEqualTo(130);
            await().atMost(Duration.ofSeconds(15)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(vip, port), 1000);
                }
            }).as("the Service address is closed").isInstanceOf(ConnectException.class);
            if (HostTool.find("ip").isPresent()) {
                Process list = new ProcessBuilder("ip", "netns", "list").start();
                // the demo's namespaces end in its pid (another suite running beside this one may have its own)
                assertThat(new String(list.getInputStream().readAllBytes())).as("no network namespace left")
                        .doesNotContainPattern("zd-[0-9a-f]+-" + zerodrop.pid() + "\\b");
            }
        } finally {
            zerodrop.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            zerodrop.destroyForcibly();
        }
    }
}
