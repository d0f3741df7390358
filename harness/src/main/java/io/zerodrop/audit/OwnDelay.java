package io.zerodrop.audit;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.zerodrop.core.Durations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the app keeps accepting requests after SIGTERM on its own, before a preStop is counted: what the
 * workload states ({@value #ANNOTATION}), or what an app the audit recognises is set to do in the input itself —
 * target-app's {@code SHUTDOWN_DELAY_MS}, {@code --shutdown-delay-duration} (servers built on Kubernetes' API server
 * library: metrics-server, aggregated API servers), CoreDNS's {@code health { lameduck … }} in the Corefile of a
 * ConfigMap the container mounts, podinfo's fixed 3 s wait (skipped at {@code --level=debug}). {@link #NONE} otherwise:
 * the app is taken to stop accepting at SIGTERM.
 *
 * @param seconds the delay
 * @param basis where the figure comes from, for the finding's text; null for {@link #NONE}
 */
record OwnDelay(double seconds, String basis) {
    /** Annotation on the workload or its pod template: how long the app keeps serving after SIGTERM. */
    static final String ANNOTATION = "zerodrop.io/shutdown-delay";

    static final OwnDelay NONE = new OwnDelay(0, null);

    /** podinfo's {@code pkg/signals/shutdown.go}: readiness fails and it waits 3 s, unless logging at debug. */
    private static final double PODINFO_SECONDS = 3;

    private static final Pattern LAMEDUCK = Pattern.compile("\\bhealth\\b[^{}\\n]*\\{[^}]*?\\blameduck\\s+(\\S+)");
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    static OwnDelay of(AuditContext ctx, AuditObject w, Container app) {
        Optional<String> stated = AuditContext.annotation(w, ANNOTATION);
        if (stated.isPresent()) {
            return Durations.parse(stated.get()).map(d -> new OwnDelay(d.toMillis() / 1000.0, "annotation "
                    + ANNOTATION)).orElse(NONE);
        }
        if (ShutdownChecks.isTargetApp(app)) {
            boolean graceful = Containers.env(app, "SHUTDOWN_MODE").orElse("graceful").equalsIgnoreCase("graceful");
            return graceful ? new OwnDelay(ShutdownChecks.ms(app, "SHUTDOWN_DELAY_MS", 5000),
                    "target-app SHUTDOWN_DELAY_MS") : NONE;
        }
        Optional<String> flag = flag(app, "--shutdown-delay-duration");
        if (flag.isPresent()) {
            return goSeconds(flag.get()).map(d -> new OwnDelay(d, "--shutdown-delay-duration=" + flag.get()))
                    .orElse(NONE);
        }
        String image = app.getImage() == null ? "" : app.getImage().toLowerCase(Locale.ROOT);
        if (image.contains("coredns")) {
            return lameduck(ctx, w, app);
        }
        if (image.contains("stefanprodan/podinfo")) {
            return debugLogging(app) ? NONE : new OwnDelay(PODINFO_SECONDS, "podinfo's own wait after SIGTERM");
        }
        return NONE;
    }

    /** The shortest lameduck of the Corefiles in the ConfigMaps (of the input) that the container mounts. */
    private static OwnDelay lameduck(AuditContext ctx, AuditObject w, Container app) {
        List<String> mounted = new ArrayList<>();
        List<VolumeMount> mounts = app.getVolumeMounts() == null ? List.of() : app.getVolumeMounts();
        List<Volume> volumes = AuditContext.podSpec(w).getVolumes() == null ? List.of()
                : AuditContext.podSpec(w).getVolumes();
        for (VolumeMount m : mounts) {
            volumes.stream().filter(v -> v.getName() != null && v.getName().equals(m.getName())
                    && v.getConfigMap() != null && v.getConfigMap().getName() != null)
                    .forEach(v -> mounted.add(v.getConfigMap().getName()));
        }
        OwnDelay shortest = NONE;
        for (AuditObject o : ctx.objects()) {
            if (!(o.object() instanceof ConfigMap cm) || !o.namespace().equals(w.namespace())
                    || !mounted.contains(cm.getMetadata().getName()) || cm.getData() == null) {
                continue;
            }
            for (Map.Entry<String, String> file : cm.getData().entrySet()) {
                Matcher m = LAMEDUCK.matcher(file.getValue() == null ? "" : file.getValue());
                while (m.find()) {
                    Optional<Double> s = goSeconds(m.group(1));
                    if (s.isPresent() && (shortest == NONE || s.get() < shortest.seconds())) {
                        shortest = new OwnDelay(s.get(), "CoreDNS health lameduck " + m.group(1) + " in "
                                + o.ref() + " " + file.getKey());
                    }
                }
            }
        }
        return shortest;
    }

    /** A Go duration ({@code 5s}, {@code 1m30s}, {@code 2.5s}) in seconds; empty when it is not one. */
    static Optional<Double> goSeconds(String text) {
        Matcher m = GO_DURATION.matcher(text);
        double total = 0;
        int at = 0;
        while (m.find() && m.start() == at) {
            double n = Double.parseDouble(m.group(1));
            total += n * switch (m.group(2)) {
                case "h" -> 3600;
                case "m" -> 60;
                case "s" -> 1;
                case "ms" -> 1e-3;
                case "us", "µs" -> 1e-6;
                default -> 1e-9;
            };
            at = m.end();
        }
        return at > 0 && at == text.length() ? Optional.of(total) : Optional.empty();
    }

    private static boolean debugLogging(Container app) {
        return flag(app, "--level").map("debug"::equals)
                .or(() -> Containers.env(app, "PODINFO_LEVEL").map(v -> v.equalsIgnoreCase("debug")))
                .orElse(false);
    }

    /** The value of a command-line flag in the container's command and args: {@code --f=v} or {@code --f v}. */
    static Optional<String> flag(Container app, String name) {
        List<String> words = new ArrayList<>();
        if (app.getCommand() != null) {
            words.addAll(app.getCommand());
        }
        if (app.getArgs() != null) {
            words.addAll(app.getArgs());
        }
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i) == null ? "" : words.get(i);
            if (w.startsWith(name + "=")) {
                return Optional.of(w.substring(name.length() + 1));
            }
            if (w.equals(name) && i + 1 < words.size() && words.get(i + 1) != null) {
                return Optional.of(words.get(i + 1));
            }
        }
        return Optional.empty();
    }
}
