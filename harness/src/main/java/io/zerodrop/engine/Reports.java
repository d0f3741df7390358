package io.zerodrop.engine;

import io.zerodrop.core.ZerodropException;
import io.zerodrop.report.ConsoleSummary;
import io.zerodrop.report.HtmlReport;
import io.zerodrop.report.JsonReport;
import io.zerodrop.report.JunitReport;
import io.zerodrop.report.RunReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Writes report.json, junit.xml and report.html into the output directory; returns their paths. */
public final class Reports {
    private Reports() {
    }

    /**
     * The reports written and the console summary of a run that ends with {@code exitCode}. When the run had already
     * failed ({@code failure} non-null), reports that cannot be written are said after the run's own cause, never in
     * its place; otherwise they are the run's failure.
     */
    static Experiment.Outcome outcome(RunReport report, String title, String command, Path outDir,
            Optional<Path> gatlingReport, ZerodropException failure, int exitCode, PrintWriter err) {
        List<Path> files;
        try {
            files = new ArrayList<>(writeAll(report, title, "zerodrop." + command, outDir));
        } catch (ZerodropException unwritable) {
            if (failure == null) {
                throw unwritable;
            }
            err.println("zerodrop: " + unwritable.getMessage() + " (the run had already failed: "
                    + report.verdict().reasons().get(0) + ")");
            err.flush();
            files = new ArrayList<>();
        }
        gatlingReport.ifPresent(files::add);
        String summary = ConsoleSummary.render(report, title, files.stream().map(Path::toString).toList());
        return new Experiment.Outcome(report, files, exitCode, summary);
    }

    public static List<Path> writeAll(RunReport report, String title, String suite, Path outDir) {
        Path json = outDir.resolve("report.json");
        Path junit = outDir.resolve("junit.xml");
        Path html = outDir.resolve("report.html");
        try {
            Files.createDirectories(outDir);
            JsonReport.write(report, json);
            JunitReport.write(report, suite, junit);
            HtmlReport.write(report, title, html);
        } catch (IOException e) {
            throw ZerodropException.environment("cannot write the reports into " + outDir + ": " + e.getMessage(), e);
        }
        return List.of(html, json, junit);
    }
}
