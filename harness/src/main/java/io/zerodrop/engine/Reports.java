package io.zerodrop.engine;

import io.zerodrop.core.ZerodropException;
import io.zerodrop.report.HtmlReport;
import io.zerodrop.report.JsonReport;
import io.zerodrop.report.JunitReport;
import io.zerodrop.report.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes report.json, junit.xml and report.html into the output directory; returns their paths. */
public final class Reports {
    private Reports() {
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
