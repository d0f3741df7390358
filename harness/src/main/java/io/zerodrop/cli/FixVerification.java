package io.zerodrop.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zerodrop.core.ExitCodes;
import io.zerodrop.core.ZerodropException;
import io.zerodrop.engine.Experiment;
import io.zerodrop.engine.OutputDirectory;
import io.zerodrop.engine.RunRequest;
import io.zerodrop.engine.ScenarioRunner;
import io.zerodrop.findings.Finding;
import io.zerodrop.scenario.Scenario;
import io.zerodrop.scenario.Setting;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code zerodrop run --verify-fixes}: the scenario as it is, then again with every fix its findings propose
 * applied as settings under test, and the two side by side — so that a proposed fix is proven, or shown not to
 * remove the drops. The first run's reports go to {@code <out>}, the second's to {@code <out>/verify-fixes}, the
 * comparison to {@code <out>/fixes/verification.json} and the console.
 */
final class FixVerification {
    private final ScenarioRunner runner;
    private final RunRequest request;
    private final ScenarioRunner.Options options;
    private final PrintWriter o;

    /** Runs through {@code runner} as {@code request} and {@code options} say; prints to {@code out}. */
    FixVerification(ScenarioRunner runner, RunRequest request, ScenarioRunner.Options options, PrintWriter out) {
        this.runner = runner;
        this.request = request;
        this.options = options;
        this.o = out;
    }

    int run(Scenario s) {
        Path first = OutputDirectory.create(options.out(), "--out", "");
        Experiment.Outcome one = runner.run(s, request, options.into(first));
        o.print(one.summary());
        o.flush();
        int before = one.exitCode();
        if (before == ExitCodes.INTERRUPTED) {
            return before; // interrupted: everything was undone; a second run would start while zerodrop exits
        }
        List<Finding> withFix = one.report().findings().stream().filter(f -> !f.settings().isEmpty()).toList();
        List<Finding> patchOnly = one.report().findings().stream().filter(f -> f.settings().isEmpty()
                && f.patch() != null).toList();
        if (withFix.isEmpty()) {
            o.println("verify-fixes: no finding proposes a fix zerodrop can apply as settings under test"
                    + (patchOnly.isEmpty() ? "" : "; apply the patches by hand: " + patchOnly.stream()
                    .map(Finding::patchFile).toList()) + "; nothing to verify");
            o.flush();
            return before;
        }
        Map<Setting, String> fix = new EnumMap<>(Setting.class);
        withFix.forEach(f -> fix.putAll(f.settings()));
        Scenario fixed = s.withSettings(" (with the proposed fixes)", fix);
        o.println();
        o.println("verify-fixes: running again with " + Setting.byKey(fix) + " (from " + withFix.stream().map(Finding::code)
                .toList() + ")");
        o.flush();
        Path second = first.resolve("verify-fixes");
        Experiment.Outcome two = runner.run(fixed, request, options.into(second));
        o.print(two.summary());
        o.flush();
        int after = two.exitCode();
        compare(one, two, Setting.byKey(fix), first, second);
        return after;
    }

    /** Each finding of the first run judged by the second; printed and written to fixes/verification.json. */
    private void compare(Experiment.Outcome one, Experiment.Outcome two, Map<String, String> fix, Path first,
            Path second) {
        Set<String> still = two.report().findings().stream().map(Finding::code).collect(Collectors.toSet());
        long dropsBefore = one.report().analysis().measuredFailed();
        long dropsAfter = two.report().analysis().measuredFailed();
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("settingsApplied", fix.toString());
        json.putObject("before").put("failed", dropsBefore).put("verdict", one.report().verdict().status().name())
                .put("reports", first.toString());
        json.putObject("after").put("failed", dropsAfter).put("verdict", two.report().verdict().status().name())
                .put("reports", second.toString());
        ArrayNode each = json.putArray("findings");
        o.println();
        o.println("verify-fixes: before " + dropsBefore + " failed (" + one.report().verdict().status() + "), with the"
                + " fixes " + dropsAfter + " failed (" + two.report().verdict().status() + ")");
        for (Finding f : one.report().findings()) {
            if (f.settings().isEmpty() && f.patch() == null) {
                continue;
            }
            String verdict = f.settings().isEmpty() ? "not verified: its fix is not a setting zerodrop can apply; use"
                    + " the patch " + f.patchFile() : still.contains(f.code()) ? "NOT fixed: found again with "
                    + f.settingsByKey() + " applied" : dropsAfter > 0 ? "no longer found, but " + dropsAfter + " request(s)"
                    + " still failed" : "fixed: no longer found, and nothing failed";
            o.println("  " + f.code() + ": " + verdict);
            each.addObject().put("code", f.code()).put("settings", f.settingsByKey().toString()).put("result", verdict);
        }
        o.flush();
        try {
            Files.createDirectories(first.resolve("fixes"));
            Files.writeString(first.resolve("fixes/verification.json"), new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        } catch (IOException e) {
            throw ZerodropException.environment("cannot write " + first.resolve("fixes/verification.json") + ": "
                    + e.getMessage(), e);
        }
    }
}
