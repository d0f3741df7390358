package io.zerodrop.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM on this JVM's class path, for tests that signal it. A shell that runs a job in
 * the background (a CI step, {@code mvn … &}) starts it with SIGINT ignored, every child inherits that, and the
 * JVM then installs no SIGINT handler: {@code kill -INT} would do nothing. {@code env --default-signal} (GNU
 * coreutils ≥ 8.31) puts SIGINT and SIGTERM back to their defaults for the child, so the test means the same
 * wherever it runs.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static List<String> command(List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        if (HostTool.find("env").isPresent()) {
            cmd.addAll(List.of("env", "--default-signal=INT,TERM"));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }
}
