package io.zerodrop.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zerodrop.analysis.AnalysisResult;
import io.zerodrop.core.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/** Writes {@code report.json}: the journal, schema {@value #SCHEMA} (described in the README and report.schema.json). */
public final class JsonReport {
    public static final String SCHEMA = "zerodrop.report/v1";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static ObjectNode toJson(RunReport r) {
        AnalysisResult a = r.analysis();
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.set("header", JSON.valueToTree(r.header()));
        root.set("steps", JSON.valueToTree(r.steps()));
        root.set("timeline", JSON.valueToTree(r.timeline()));
        requests(root.putObject("requests"), a);
        root.set("disruptionWindows", JSON.valueToTree(a.disruptionWindows()));
        root.set("terminations", JSON.valueToTree(a.terminations()));
        root.set("attributions", JSON.valueToTree(a.attributions()));
        root.put("attributionsOmitted", a.attributionsOmitted());
        if (r.groundTruth().isPresent()) {
            root.set("groundTruth", JSON.valueToTree(r.groundTruth().get()));
        } else {
            root.putNull("groundTruth");
        }
        root.set("findings", JSON.valueToTree(r.findings()));
        root.set("verdict", JSON.valueToTree(r.verdict()));
        if (r.gatlingReport().isPresent()) {
            root.put("gatlingReport", r.gatlingReport().get());
        } else {
            root.putNull("gatlingReport");
        }
        return root;
    }

    /** The {@code requests} object: counts, rates, the generator's health, failures by kind, latency, per 100 ms. */
    private static void requests(ObjectNode req, AnalysisResult a) {
        req.put("total", a.totalRequests());
        req.put("warmup", a.warmupRequests());
        req.put("measured", a.measuredRequests());
        req.put("ok", a.measuredOk());
        req.put("failed", a.measuredFailed());
        if (a.measuredAnything()) {
            req.put("availabilityPercent", a.availabilityPercent());
            req.put("errorRatePercent", a.errorRatePercent());
        } else {
            req.putNull("availabilityPercent"); // nothing measured: no share to tell
            req.putNull("errorRatePercent");
        }
        req.put("askedRate", a.askedRate());
        req.put("achievedRate", a.achievedRate());
        req.put("loadGeneratorSaturated", a.loadGeneratorSaturated());
        req.put("lowestSecondRate", a.lowestSecondRate());
        req.put("loadGeneratorStalled", a.loadGeneratorStalled());
        req.set("loadGeneratorErrors", JSON.valueToTree(a.loadGeneratorErrors()));
        req.put("longestFailureBurstMs", a.longestFailureBurstMs());
        req.put("failureBursts", a.failureBursts());
        req.put("warmupEndMs", a.warmupEndMs());
        req.put("firstRequestMs", a.firstRequestMs());
        req.put("lastRequestMs", a.lastRequestMs());
        req.set("failuresByClass", JSON.valueToTree(a.failuresByClass()));
        req.set("failuresByPhase", JSON.valueToTree(a.failuresByPhase()));
        req.set("failuresByPod", JSON.valueToTree(a.failuresByPod()));
        req.set("failuresByStatus", JSON.valueToTree(a.failuresByStatus()));
        req.set("otherMessages", JSON.valueToTree(a.otherMessages()));
        req.set("latencyMs", JSON.valueToTree(a.latency()));
        req.set("requestsByWindow", JSON.valueToTree(a.requestsByWindow()));
        req.set("failuresByWindow", JSON.valueToTree(a.failuresByWindow()));
        ObjectNode series = req.putObject("per100ms");
        series.put("bucketMs", 100);
        series.put("columns", "startMs,ok,failed,warmup");
        ArrayNode rows = series.putArray("rows");
        for (AnalysisResult.Bucket b : a.buckets()) {
            rows.addArray().add(b.startMs()).add(b.ok()).add(b.failed()).add(b.warmup());
        }
    }

    public static void write(RunReport r, Path file) throws IOException {
        AtomicFiles.writeString(file, JSON.writeValueAsString(toJson(r)));
    }
}
