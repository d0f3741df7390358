package io.zerodrop.audit;

import io.zerodrop.core.Xml;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The audit's findings as a person reads them (table), and as machines do: JSON, SARIF 2.1.0, JUnit XML. */
public final class AuditOutput {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String JSON_SCHEMA = "zerodrop.audit/v1";

    private AuditOutput() {
    }

    private static long count(List<AuditFinding> fs, Severity s) {
        return fs.stream().filter(f -> f.counts() && f.severity() == s).count();
    }

    private static long ignored(List<AuditFinding> fs) {
        return fs.stream().filter(f -> !f.counts()).count();
    }

    static String summary(List<AuditFinding> fs, AuditScope scope) {
        return count(fs, Severity.ERROR) + " error(s), " + count(fs, Severity.WARNING) + " warning(s), "
                + count(fs, Severity.INFO) + " suggestion(s)" + (ignored(fs) > 0 ? ", " + ignored(fs) + " ignored" : "")
                + " in " + scope.summary();
    }

    public static String table(List<AuditFinding> fs, AuditScope scope, String what) {
        StringBuilder b = new StringBuilder();
        b.append("zerodrop audit of ").append(what).append(": ").append(summary(fs, scope)).append(" — ")
                .append(Auditor.failed(fs) ? "FAILED" : "passed").append('\n');
        scope.notAudited().forEach(e -> entry(b, "not audited  ", e));
        scope.readAs().forEach(e -> entry(b, "read as     ", e));
        for (AuditFinding f : fs) {
            b.append('\n').append(String.format(Locale.ROOT, "%-8s %-6s %s  %s%n", f.counts() ? f.severity().name()
                    : "ignored", f.id(), f.object(), f.field()));
            b.append("         why: ").append(f.why()).append('\n');
            b.append("         fix: ").append(f.fix()).append('\n');
            b.append("         at:  ").append(f.location()).append('\n');
            if (!f.counts()) {
                b.append("         ignored: ").append(f.ignoredBecause()).append('\n');
            }
        }
        return b.toString();
    }

    private static void entry(StringBuilder b, String label, AuditScope.Entry e) {
        b.append('\n').append(label).append(e.object()).append('\n');
        b.append("         why: ").append(e.why()).append('\n');
        b.append("         at:  ").append(e.location()).append('\n');
    }

    public static String json(List<AuditFinding> fs, AuditScope scope, String what) {
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", JSON_SCHEMA);
        root.put("input", what);
        root.put("passed", !Auditor.failed(fs));
        root.put("objects", scope.objects());
        root.put("workloads", scope.workloads());
        root.put("services", scope.services());
        root.put("budgets", scope.budgets());
        entries(root.putArray("notAudited"), scope.notAudited());
        entries(root.putArray("readAs"), scope.readAs());
        root.put("errors", count(fs, Severity.ERROR));
        root.put("warnings", count(fs, Severity.WARNING));
        root.put("infos", count(fs, Severity.INFO));
        root.put("ignored", ignored(fs));
        ArrayNode list = root.putArray("findings");
        for (AuditFinding f : fs) {
            ObjectNode n = list.addObject();
            n.put("id", f.id());
            n.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
            n.put("object", f.object());
            n.put("field", f.field());
            n.put("why", f.why());
            n.put("fix", f.fix());
            n.put("inferred", f.inferred());
            n.put("location", f.location().toString());
            if (f.location().file() != null) {
                n.put("file", f.location().file());
                n.put("line", f.location().line());
            }
            if (f.ignoredBecause() != null) {
                n.put("ignoredBecause", f.ignoredBecause());
            }
        }
        ArrayNode checks = root.putArray("checks");
        Auditor.checks().forEach(c -> checks.addObject().put("id", c.id()).put("title", c.title()));
        return write(root);
    }

    private static void entries(ArrayNode list, List<AuditScope.Entry> entries) {
        for (AuditScope.Entry e : entries) {
            ObjectNode n = list.addObject();
            n.put("object", e.object());
            n.put("why", e.why());
            n.put("location", e.location().toString());
            if (e.location().file() != null) {
                n.put("file", e.location().file());
                n.put("line", e.location().line());
            }
        }
    }

    /** SARIF 2.1.0 for code scanning: one rule per check, one result per finding, ignores as suppressions. */
    public static String sarif(List<AuditFinding> fs, AuditScope scope, String version) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "zerodrop audit");
        driver.put("version", version);
        ArrayNode rules = driver.putArray("rules");
        List<AuditCheck> checks = Auditor.checks();
        List<String> ids = new ArrayList<>(checks.stream().map(AuditCheck::id).toList());
        ids.add(0, Auditor.IGNORE_CHECK);
        rule(rules, Auditor.IGNORE_CHECK, "zerodrop.io/ignore annotation without a reason or naming no check");
        for (AuditCheck c : checks) {
            rule(rules, c.id(), c.title());
        }
        // what was passed over, said where code scanning shows a run's own messages
        ObjectNode invocation = run.putArray("invocations").addObject();
        invocation.put("executionSuccessful", true);
        ArrayNode notes = invocation.putArray("toolExecutionNotifications");
        for (AuditScope.Entry e : scope.notAudited()) {
            notes.addObject().put("level", "note").putObject("message").put("text", "not audited: " + e);
        }
        for (AuditScope.Entry e : scope.readAs()) {
            notes.addObject().put("level", "note").putObject("message").put("text", "read as another version: " + e);
        }
        ArrayNode results = run.putArray("results");
        for (AuditFinding f : fs) {
            ObjectNode r = results.addObject();
            r.put("ruleId", f.id());
            r.put("ruleIndex", ids.indexOf(f.id()));
            r.put("level", switch (f.severity()) {
                case ERROR -> "error";
                case WARNING -> "warning";
                default -> "note";
            });
            boolean stdin = STDIN.equals(f.location().file());
            r.putObject("message").put("text", f.object() + " (" + f.field() + "): " + f.why() + ". Fix: " + f.fix()
                    + (stdin ? " (read from standard input, the document at line " + f.location().line() + ")"
                    : f.location().description() != null ? " (" + f.location().description() + ")" : ""));
            ObjectNode loc = r.putArray("locations").addObject();
            if (f.location().file() != null && !stdin) {
                ObjectNode phys = loc.putObject("physicalLocation");
                phys.putObject("artifactLocation").put("uri", uri(f.location().file()));
                if (f.location().line() > 0) {
                    phys.putObject("region").put("startLine", f.location().line());
                }
            }
            ArrayNode logical = loc.putArray("logicalLocations");
            logical.addObject().put("fullyQualifiedName", f.object().replace(' ', '/') + "/" + f.field())
                    .put("kind", "object");
            if (stdin) {
                logical.addObject().put("name", STDIN + ":" + f.location().line()).put("kind", "resource");
            }
            if (f.ignoredBecause() != null) {
                r.putArray("suppressions").addObject().put("kind", "inSource").put("justification", f.ignoredBecause());
            }
        }
        return write(root);
    }

    /** The name a file read from standard input goes by. */
    static final String STDIN = "<stdin>";

    /** One SARIF rule: its title, what it checks (the README's words) and the level of its most severe finding. */
    private static void rule(ArrayNode rules, String id, String title) {
        CheckHelp.Help help = CheckHelp.of(id);
        ObjectNode r = rules.addObject();
        r.put("id", id);
        r.putObject("shortDescription").put("text", title);
        r.putObject("fullDescription").put("text", help.plain());
        r.putObject("help").put("text", id + " " + title + ": " + help.plain() + ". Severity: " + help.severity()
                + ".").put("markdown", "**" + id + " " + title + "**\n\nChecks: " + help.text() + ".\n\nSeverity: "
                + help.severity() + ". Ignore one finding with the annotation `zerodrop.io/ignore: \"" + id
                + ": <reason>\"` on the object.");
        r.putObject("defaultConfiguration").put("level", help.severity().startsWith("error") ? "error"
                : help.severity().startsWith("warning") ? "warning" : "note");
    }

    /**
     * A file as a SARIF artifact URI: relative to the working directory when it is inside it (code scanning resolves
     * relative URIs against the repository's root, where CI runs the audit), else an absolute {@code file:} URI.
     */
    static String uri(String file) {
        Path p = Path.of(file).toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath().normalize();
        if (p.startsWith(cwd)) {
            String rel = cwd.relativize(p).toString().replace('\\', '/');
            try {
                return new URI(null, null, rel, null).toASCIIString();
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return p.toUri().toASCIIString();
    }

    /** JUnit XML: one test case per check, failed by its errors; warnings, suggestions and ignores in its output. */
    public static String junit(List<AuditFinding> fs, AuditScope scope, String what) {
        List<AuditCheck> checks = Auditor.checks();
        List<String> ids = new ArrayList<>(List.of(Auditor.IGNORE_CHECK));
        checks.forEach(c -> ids.add(c.id()));
        long failures = ids.stream().filter(id -> fs.stream().anyMatch(f -> f.id().equals(id) && f.counts()
                && f.severity() == Severity.ERROR)).count();
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<testsuite name=\"zerodrop audit\" tests=\"").append(ids.size()).append("\" failures=\"")
                .append(failures).append("\" errors=\"0\" skipped=\"0\">\n");
        b.append("  <properties><property name=\"input\" value=\"").append(xml(what)).append("\"/></properties>\n");
        for (String id : ids) {
            String title = id.equals(Auditor.IGNORE_CHECK) ? "ignore annotations give a reason"
                    : checks.stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow().title();
            List<AuditFinding> mine = fs.stream().filter(f -> f.id().equals(id)).toList();
            List<AuditFinding> errors = mine.stream().filter(f -> f.counts() && f.severity() == Severity.ERROR).toList();
            b.append("  <testcase classname=\"zerodrop.audit\" name=\"").append(id).append(' ').append(xml(title))
                    .append("\" time=\"0\">\n");
            if (!errors.isEmpty()) {
                b.append("    <failure message=\"").append(xml(errors.size() + " error(s): " + errors.get(0).object()
                        + ": " + errors.get(0).why())).append("\">");
                errors.forEach(f -> b.append(xml(line(f))).append('\n'));
                b.append("</failure>\n");
            }
            List<AuditFinding> rest = mine.stream().filter(f -> !errors.contains(f)).toList();
            if (!rest.isEmpty()) {
                b.append("    <system-out>");
                rest.forEach(f -> b.append(xml((f.counts() ? f.severity().name() : "ignored (" + f.ignoredBecause()
                        + ")") + " " + line(f))).append('\n'));
                b.append("</system-out>\n");
            }
            b.append("  </testcase>\n");
        }
        if (!scope.notAudited().isEmpty() || !scope.readAs().isEmpty()) {
            b.append("  <system-out>");
            scope.notAudited().forEach(e -> b.append(xml("not audited: " + e)).append('\n'));
            scope.readAs().forEach(e -> b.append(xml("read as another version: " + e)).append('\n'));
            b.append("</system-out>\n");
        }
        return b.append("</testsuite>\n").toString();
    }

    private static String line(AuditFinding f) {
        return f.object() + " " + f.field() + ": " + f.why() + " Fix: " + f.fix() + " (" + f.location() + ")";
    }

    private static String xml(String s) {
        return Xml.escape(s);
    }

    private static String write(ObjectNode n) {
        try {
            return JSON.writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
