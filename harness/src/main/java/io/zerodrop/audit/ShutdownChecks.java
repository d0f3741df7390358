package io.zerodrop.audit;

import static io.zerodrop.audit.AuditContext.containerPath;

import io.fabric8.kubernetes.api.model.Container;
import io.zerodrop.core.Durations;
import io.zerodrop.workload.PreStop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The shutdown arithmetic no linter checks: the grace period against preStop plus the app's drain, preStop against
 * endpoint propagation, a preStop that needs a binary the image may not have, and whether SIGTERM reaches the app.
 */
final class ShutdownChecks {
    /** Annotation on the workload or its pod template: how long the app takes to drain after SIGTERM. */
    static final String DRAIN_ANNOTATION = "zerodrop.io/expected-drain";

    private ShutdownChecks() {
    }

    /** What the app needs after SIGTERM, and where that figure comes from; {@code known} false: the default. */
    record Drain(double seconds, String basis, boolean known) {
    }

    /** target-app (zerodrop's reference app) is recognised by its image or its SHUTDOWN_MODE setting. */
    static boolean isTargetApp(Container c) {
        return (c.getImage() != null && c.getImage().contains("target-app"))
                || Containers.env(c, "SHUTDOWN_MODE").isPresent();
    }

    static double ms(Container c, String env, double dflt) {
        return Containers.env(c, env).map(v -> {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return dflt;
            }
        }).orElse(dflt) / 1000.0;
    }

    static Drain drain(AuditContext ctx, AuditObject w) {
        Container a = ctx.app(w);
        if (ctx.options().drainSeconds() != null) {
            return new Drain(ctx.options().drainSeconds(), "--drain", true);
        }
        Optional<Duration> annotated = AuditContext.annotation(w, DRAIN_ANNOTATION).flatMap(Durations::parse);
        if (annotated.isPresent()) {
            return new Drain(annotated.get().toMillis() / 1000.0, "annotation " + DRAIN_ANNOTATION, true);
        }
        if (isTargetApp(a)) {
            String mode = Containers.env(a, "SHUTDOWN_MODE").orElse("graceful").toLowerCase(Locale.ROOT);
            if (mode.equals("immediate")) {
                return new Drain(0, "target-app SHUTDOWN_MODE=immediate", true);
            }
            double delay = ms(a, "SHUTDOWN_DELAY_MS", 5000);
            double drain = ms(a, "DRAIN_TIMEOUT_MS", 10000);
            return new Drain(delay + drain, "target-app SHUTDOWN_DELAY_MS " + fmt(delay) + " s + DRAIN_TIMEOUT_MS "
                    + fmt(drain) + " s", true);
        }
        Optional<Duration> spring = Containers.env(a, "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE")
                .flatMap(Durations::parse);
        if (spring.isPresent()) {
            return new Drain(spring.get().toMillis() / 1000.0, "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE", true);
        }
        String dflt = "the default " + fmt(AuditOptions.DEFAULT_DRAIN_SECONDS) + " s (set --drain or the "
                + DRAIN_ANNOTATION + " annotation)";
        OwnDelay own = OwnDelay.of(ctx, w, a);
        if (own.seconds() > 0) {
            return new Drain(own.seconds() + AuditOptions.DEFAULT_DRAIN_SECONDS, own.basis() + " "
                    + fmt(own.seconds()) + " s + " + dflt, false);
        }
        return new Drain(AuditOptions.DEFAULT_DRAIN_SECONDS, dflt, false);
    }

    static String fmt(double s) {
        return s == Math.rint(s) ? String.valueOf((long) s) : String.format(Locale.ROOT, "%.1f", s);
    }

    static long grace(AuditObject w) {
        Long g = AuditContext.podSpec(w).getTerminationGracePeriodSeconds();
        return g == null ? 30 : g;
    }

    /** Images that ship no shell or coreutils: the exec sleep preStop fails there ("executable file not found"). */
    static boolean shellLess(String image) {
        String i = image == null ? "" : image.toLowerCase(Locale.ROOT);
        return i.contains("distroless") || i.startsWith("scratch") || i.contains("chainguard") || i.contains("-static")
                || i.contains("/static") || i.contains(":nonroot");
    }

    /**
     * The shutdown checks in id order.
     *
     * <p>Size: a table of 5 rules, each entry a short check of its own, read top to bottom like the README's list.
     */
    static List<AuditCheck> all() {
        return List.of(
                new Rule("ZD201", "grace period shorter than preStop plus drain", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        Container a = c.app(w);
                        if (isTargetApp(a) && Containers.env(a, "SHUTDOWN_MODE").orElse("").equalsIgnoreCase("ignore")) {
                            continue; // ZD214 says it: no grace period is long enough
                        }
                        long g = grace(w);
                        long p = PreStop.seconds(a).orElse(0L);
                        Drain d = drain(c, w);
                        if (p == PreStop.UNKNOWN) {
                            continue;
                        }
                        if (p + d.seconds() > g) {
                            String why = "terminationGracePeriodSeconds " + g + " < preStop " + p + " s + drain "
                                    + fmt(d.seconds()) + " s (" + d.basis() + "): the grace period counts the preStop"
                                    + " too, and the kubelet SIGKILLs the app at " + g + " s with requests in flight"
                                    + " (the one 2 s extension is given only to a preStop that overruns)";
                            String fix = "terminationGracePeriodSeconds: " + (long) Math.ceil(p + d.seconds() + 5)
                                    + " (preStop + drain + 5 s margin)";
                            // a preStop that alone takes the whole grace period leaves the app at most the one-off
                            // 2 s extension, whatever its drain: an error without knowing the drain
                            if (d.known() || (p > 0 && p >= g)) {
                                f.add(Severity.ERROR, w, AuditContext.podSpecPath(w) + ".terminationGracePeriodSeconds", why, fix);
                            } else {
                                f.inferred(Severity.WARNING, w, AuditContext.podSpecPath(w) + ".terminationGracePeriodSeconds",
                                        why, fix);
                            }
                        }
                    }
                }),
                new Rule("ZD202", "preStop shorter than endpoint propagation", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        Container a = c.app(w);
                        if (c.servicesOf(w).isEmpty()) {
                            continue;
                        }
                        Optional<Long> p = PreStop.seconds(a);
                        if (p.isPresent() && p.get() == PreStop.UNKNOWN) {
                            continue;
                        }
                        OwnDelay own = OwnDelay.of(c, w, a);
                        double covered = p.orElse(0L) + own.seconds();
                        double needed = c.options().propagationSeconds();
                        if (covered < needed) {
                            f.add(Severity.ERROR, w, containerPath(w, a) + ".lifecycle.preStop", (p.isEmpty()
                                    ? "no preStop hook" : "preStop sleeps " + p.get() + " s") + (own.seconds() > 0
                                    ? " plus the app's own " + fmt(own.seconds()) + " s delay (" + own.basis() + ")"
                                    : "") + ": SIGTERM"
                                    + " arrives " + fmt(covered) + " s after the deletion, but removing the endpoint"
                                    + " from every node's rules takes up to " + fmt(needed) + " s (expected"
                                    + " propagation): new connections still reach a pod that is shutting down",
                                    "lifecycle.preStop.sleep.seconds: " + (long) Math.ceil(needed)
                                            + " (Kubernetes >= 1.30; exec [sleep, N] before), or delay shutdown in the"
                                            + " app");
                        }
                    }
                }),
                new Rule("ZD203", "preStop runs a sleep binary the image may not have", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        Container a = c.app(w);
                        Optional<Long> s = PreStop.execSleep(a);
                        if (s.isEmpty()) {
                            continue;
                        }
                        String fix = "lifecycle.preStop: {sleep: {seconds: " + s.get() + "}} (Kubernetes >= 1.30: no"
                                + " binary needed)";
                        if (shellLess(a.getImage())) {
                            f.inferred(Severity.WARNING, w, containerPath(w, a) + ".lifecycle.preStop.exec", "image "
                                    + a.getImage() + " looks like one without a shell or coreutils: the hook fails"
                                    + " at once (FailedPreStopHook) and SIGTERM comes without the delay", fix);
                        } else {
                            f.add(Severity.INFO, w, containerPath(w, a) + ".lifecycle.preStop.exec", "exec sleep needs a"
                                    + " sleep binary in image " + a.getImage(), fix);
                        }
                    }
                }),
                new Rule("ZD211", "a shell as PID 1", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        for (Container ct : AuditContext.podSpec(w).getContainers()) {
                            shellForm(ct).ifPresent(s -> {
                                String field = containerPath(w, ct) + (s.fromArgs() ? ".args" : ".command");
                                String fix = "exec form: command: [\"java\", …] — or begin the script with exec (sh -c"
                                        + " 'exec java …') so the app replaces the shell";
                                if (s.certain()) {
                                    f.add(Severity.ERROR, w, field, "the container runs " + s.shell() + " -c with a"
                                            + " script of several commands: the shell stays PID 1 and does not pass"
                                            + " SIGTERM on, so the app never starts shutting down and is SIGKILLed when"
                                            + " the grace period ends", fix);
                                } else {
                                    f.inferred(Severity.WARNING, w, field, s.scriptFile() ? "the container runs "
                                            + s.shell() + ": the shell is PID 1 and passes SIGTERM on only if the"
                                            + " script ends by exec-ing the app (or traps TERM and forwards it), which"
                                            + " the manifest does not show" : s.fromArgs() ? "args start a shell with"
                                            + " -c (if the image's entrypoint passes them to a shell, it is PID 1 and"
                                            + " may not pass SIGTERM on)" : "the container runs " + s.shell() + " -c with"
                                            + " one command: bash and dash exec it in place of the shell, other shells"
                                            + " stay PID 1 and do not pass SIGTERM on", fix);
                                }
                            });
                        }
                    }
                }),
                new Rule("ZD214", "the app ignores SIGTERM", (c, f) -> {
                    for (AuditObject w : c.workloads()) {
                        Container a = c.app(w);
                        if (isTargetApp(a) && Containers.env(a, "SHUTDOWN_MODE").orElse("").equalsIgnoreCase(
                                "ignore")) {
                            f.add(Severity.ERROR, w, containerPath(w, a) + ".env[SHUTDOWN_MODE]", "SHUTDOWN_MODE=ignore:"
                                    + " the app never starts shutting down on SIGTERM (as behind a shell-form"
                                    + " entrypoint), so every termination ends in SIGKILL after "
                                    + grace(w) + " s (exit 137) with requests in flight", "SHUTDOWN_MODE=graceful");
                        }
                    }
                }));
    }

    /** A shell started with -c as the container's process: which shell, whether its script surely keeps it PID 1. */
    record ShellForm(String shell, boolean certain, boolean fromArgs, boolean scriptFile) {
    }

    static Optional<ShellForm> shellForm(Container c) {
        List<String> cmd = c.getCommand() == null ? List.of() : c.getCommand();
        List<String> args = c.getArgs() == null ? List.of() : c.getArgs();
        boolean fromArgs = cmd.isEmpty();
        List<String> all = new ArrayList<>(fromArgs ? args : cmd);
        if (!fromArgs) {
            all.addAll(args);
        }
        if (all.size() < 2) {
            return Optional.empty();
        }
        String shell = all.get(0).substring(all.get(0).lastIndexOf('/') + 1);
        if (!List.of("sh", "bash", "ash", "dash", "zsh", "ksh").contains(shell)) {
            return Optional.empty();
        }
        // the shell's options up to the one that takes the script: -c alone or in a cluster (-ec, -euc, -xc), after
        // others (-e -c, -o pipefail -c); a first operand that is no option is a script file (sh /start.sh)
        int i = 1;
        boolean dashC = false;
        while (i < all.size() && all.get(i).startsWith("-") && !all.get(i).startsWith("--") && !dashC) {
            String o = all.get(i);
            dashC = o.substring(1).contains("c");
            i += o.equals("-o") || o.equals("+o") ? 2 : 1;
        }
        if (!dashC) {
            if (i < all.size() && !all.get(i).startsWith("-")) {
                // a script file as the shell's operand: PID 1 is the shell unless the script execs the app, which
                // the manifest does not show
                return Optional.of(new ShellForm(shell + " " + all.get(i), false, fromArgs, true));
            }
            return Optional.empty();
        }
        if (i >= all.size()) {
            return Optional.empty();
        }
        String script = all.get(i).trim();
        if (script.startsWith("exec ")) {
            return Optional.empty();
        }
        if (script.matches("(?s).*\\btrap\\b[^;\\n]*\\b(TERM|SIGTERM|15)\\b.*") && script.contains("wait")) {
            return Optional.empty(); // a trap that passes SIGTERM on to the app it waits for
        }
        boolean compound = script.contains(";") || script.contains("&&") || script.contains("||")
                || script.contains("\n") || script.contains("|") || script.endsWith("&");
        if (compound && script.matches("(?s).*(;|&&|\\n)\\s*exec [^;&|]+$")) {
            return Optional.empty(); // the last command replaces the shell
        }
        return Optional.of(new ShellForm(shell, compound && !fromArgs, fromArgs, false));
    }
}
