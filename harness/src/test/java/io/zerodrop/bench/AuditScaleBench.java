package io.zerodrop.bench;

import io.zerodrop.audit.AuditContext;
import io.zerodrop.audit.AuditFinding;
import io.zerodrop.audit.AuditInput;
import io.zerodrop.audit.AuditObject;
import io.zerodrop.audit.AuditOptions;
import io.zerodrop.audit.Auditor;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): {@code zerodrop audit} on N workloads (default 5,000), each a Deployment with a Service, a
 * budget and an autoscaler, spread over 50 namespaces, read from one file. Goal: linear in N, 5,000 workloads in
 * under 5 s in a 512 MB heap (run with -Xmx512m). Prints read and audit times (best and median of 3 after a warm-up)
 * and the peak heap.
 */
public final class AuditScaleBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        StringBuilder y = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String ns = "team-" + (i % 50);
            String app = "app-" + i;
            y.append("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ").append(app).append(", namespace: ")
                    .append(ns).append("}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: ").append(app)
                    .append("}}\n  template:\n    metadata: {labels: {app: ").append(app).append("}}\n    spec:\n")
                    .append("      terminationGracePeriodSeconds: 30\n      containers:\n      - name: web\n")
                    .append("        image: shop/web:1\n        ports: [{name: http, containerPort: 8080}]\n")
                    .append("        lifecycle: {preStop: {sleep: {seconds: 5}}}\n")
                    .append("        readinessProbe: {httpGet: {path: /ready, port: http}, periodSeconds: 2}\n")
                    .append("---\napiVersion: v1\nkind: Service\nmetadata: {name: ").append(app)
                    .append(", namespace: ").append(ns).append("}\nspec: {selector: {app: ").append(app)
                    .append("}, ports: [{port: 80, targetPort: http}]}\n---\napiVersion: policy/v1\n")
                    .append("kind: PodDisruptionBudget\nmetadata: {name: ").append(app).append(", namespace: ")
                    .append(ns).append("}\nspec: {maxUnavailable: 1, selector: {matchLabels: {app: ").append(app)
                    .append("}}}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: ")
                    .append(app).append(", namespace: ").append(ns).append("}\nspec: {scaleTargetRef: {apiVersion:")
                    .append(" apps/v1, kind: Deployment, name: ").append(app).append("}, minReplicas: 2, maxReplicas:")
                    .append(" 10}\n---\n");
        }
        Path file = Files.createTempFile("zerodrop-audit-bench", ".yaml");
        Files.writeString(file, y);
        System.out.printf(Locale.ROOT, "audit bench: %,d workloads (%,d objects), %.1f MB of YAML%n", n, n * 4,
                Files.size(file) / 1e6);
        double[] read = new double[3];
        double[] audit = new double[3];
        int findings = 0;
        for (int run = -1; run < 3; run++) {
            long t0 = System.nanoTime();
            List<AuditObject> objects = AuditInput.read(List.of(file.toString()), new ByteArrayInputStream(new byte[0]),
                    new ArrayList<>());
            long t1 = System.nanoTime();
            List<AuditFinding> f = Auditor.audit(new AuditContext(objects, AuditOptions.defaults(), null));
            long t2 = System.nanoTime();
            findings = f.size();
            if (run >= 0) {
                read[run] = (t1 - t0) / 1e9;
                audit[run] = (t2 - t1) / 1e9;
            }
        }
        Arrays.sort(read);
        Arrays.sort(audit);
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf(Locale.ROOT, "read  best %.2f s, median %.2f s%naudit best %.2f s, median %.2f s%n"
                + "findings %d; peak heap %d MB (max %d MB)%n", read[0], read[1], audit[0], audit[1], findings,
                peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
        if (System.getProperty("keep") == null) { Files.delete(file); } else { System.out.println(file); }
    }
}
