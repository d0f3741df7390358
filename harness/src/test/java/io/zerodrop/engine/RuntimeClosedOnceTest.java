package io.zerodrop.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.RunMarkersHere;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.disruption.FakeRuntime;
import io.zerodrop.scenario.LoadSpec;
import io.zerodrop.verdict.Expectations;
import io.zerodrop.workload.Workload;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime is closed once: a second close after its undos ran would read the workload as the undos left it (the
 * Kubernetes runtime re-read the pods' metrics after a scale back). And a run that breaks off reports its real cause.
 */
@ExtendWith(RunMarkersHere.class)
class RuntimeClosedOnceTest {
    @TempDir
    Path dir;

    /** A runtime whose workload cannot start. */
    static final class CannotStart extends FakeRuntime {
        CannotStart() {
            super("a", "b");
        }

        @Override
        public void start(Workload workload, Duration timeout) {
            calls.add("start");
            throw ZerodropException.environment("the workload cannot start: container exited with code 3");
        }
    }

    @Test
    void aRunThatBreaksOffAtDeployClosesItsRuntimeOnceAndReportsTheRealCause() {
        CannotStart rt = new CannotStart();
        Workload w = new Workload("Deployment", "web", 2, Map.of("app", "web"), "web", "shop/web:1", List.of(),
                List.of(), Map.of(), List.of(), 8080, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 30, "25%", "25%", Optional.empty(), Optional.empty());
        StringWriter err = new StringWriter();
        Path out = dir.resolve("out");
        Experiment.Outcome o = Experiment.runOn((timeline, undo) -> rt, w, new Experiment.Plan("t", "run",
                LoadSpec.of("fresh-connections", 10, 0, 2), List.of(), new Expectations(0L, null, null, null, null,
                null), createdOut(out), false, Map.of()), new PrintWriter(err, true));

        assertThat(rt.calls.stream().filter("close"::equals)).as(rt.calls.toString()).hasSize(1);
        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(o.report().verdict().reasons().get(0))
                .isEqualTo("deploy failed: the workload cannot start: container exited with code 3");
        assertThat(err.toString()).doesNotContain("cannot write the reports");
        assertThat(out.resolve("report.json")).exists();
    }

    /** The output directory is not there (removed under the run, or never made): the run's own cause still leads. */
    @Test
    void aRunThatBreaksOffWithoutItsOutputDirectoryReportsItsRealCause() throws Exception {
        CannotStart rt = new CannotStart();
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x"); // nothing can be created in it
        StringWriter err = new StringWriter();
        Experiment.Outcome o = Experiment.runOn((timeline, undo) -> rt, workload(), new Experiment.Plan("t", "run",
                LoadSpec.of("fresh-connections", 10, 0, 2), List.of(), new Expectations(0L, null, null, null, null,
                null), file.resolve("out"), false, Map.of()), new PrintWriter(err, true));

        assertThat(o.exitCode()).as(o.summary()).isEqualTo(ExitCodes.ENVIRONMENT);
        assertThat(o.report().verdict().reasons().get(0)).startsWith("deploy failed: the workload cannot start");
        String said = err.toString();
        assertThat(said.indexOf("deploy failed")).as(said).isNotNegative()
                .isLessThan(said.indexOf("cannot write the reports"));
        assertThat(said).contains("(the run had already failed: deploy failed");
        assertThat(rt.calls.stream().filter("close"::equals)).hasSize(1);
    }

    private static Workload workload() {
        return new Workload("Deployment", "web", 2, Map.of("app", "web"), "web", "shop/web:1", List.of(), List.of(),
                Map.of(), List.of(), 8080, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 30,
                "25%", "25%", Optional.empty(), Optional.empty());
    }

    private static Path createdOut(Path out) {
        return OutputDirectory.create(out, "--out", "");
    }
}
