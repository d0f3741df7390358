package io.zerodrop.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering, read from the sources (imports and any reference in code; comments and strings left out): the core
 * packages import no runtime, runtimes import no command line, packages form no cycle, and code names other classes
 * by import, not inline (a fully-qualified name is allowed only where the simple name is already taken in the file).
 */
class DependencyRulesTest {
    static final Path MAIN = Path.of("src/main/java");
    static final Path TEST = Path.of("src/test/java");
    private static final Pattern NOISE = Pattern.compile("//[^\\n]*|/\\*.*?\\*/|\"\"\"[\\s\\S]*?\"\"\"|\"(?:\\\\.|[^\"\\\\])*\""
            + "|'(?:\\\\.|[^'\\\\])*'", Pattern.DOTALL);
    private static final Pattern ZD_REF = Pattern.compile("\\b(io\\.zerodrop(?:\\.[a-z][a-z0-9]*)+)\\.[A-Z]");
    private static final Pattern INLINE = Pattern.compile("(?<![\\w.@])((?:java|javax|io|com|org|scala)"
            + "(?:\\.[a-z][a-z0-9_]*)+)\\.([A-Z]\\w*)");

    /** One source file: its package, its imports, and its code with comments and strings blanked. */
    record Source(Path file, String pkg, List<String> imports, String code) {
        static Source read(Path file) {
            try {
                String text = Files.readString(file);
                Matcher p = Pattern.compile("(?m)^package ([\\w.]+);").matcher(text);
                String pkg = p.find() ? p.group(1) : "";
                List<String> imports = new ArrayList<>();
                Matcher i = Pattern.compile("(?m)^import (?:static )?([\\w.$]+);").matcher(text);
                int end = 0;
                while (i.find()) {
                    imports.add(i.group(1));
                    end = i.end();
                }
                String body = NOISE.matcher(text.substring(end)).replaceAll(" ");
                return new Source(file, pkg, imports, body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The zerodrop packages this file depends on (imports and inline references), its own left out. */
        Set<String> zerodropDependencies() {
            Set<String> out = new TreeSet<>();
            for (String imp : imports) {
                Matcher m = ZD_REF.matcher(imp);
                if (m.find()) {
                    out.add(m.group(1));
                }
            }
            Matcher m = ZD_REF.matcher(code);
            while (m.find()) {
                out.add(m.group(1));
            }
            out.remove(pkg);
            return out;
        }
    }

    static List<Source> sources(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().map(Source::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String shortName(String pkg) {
        return pkg.replaceFirst("^io\\.zerodrop\\.", "");
    }

    /** Package → the packages it depends on (short names), over the product's sources. */
    static Map<String, Set<String>> graph() {
        Map<String, Set<String>> g = new TreeMap<>();
        for (Source s : sources(MAIN)) {
            Set<String> deps = g.computeIfAbsent(shortName(s.pkg()), k -> new TreeSet<>());
            s.zerodropDependencies().forEach(d -> deps.add(shortName(d)));
        }
        return g;
    }

    @Test
    void onlyTheCommandLineAndTheRuntimesThemselvesKnowAConcreteRuntime() {
        List<String> wrong = new ArrayList<>();
        graph().forEach((pkg, deps) -> deps.stream().filter(d -> d.startsWith("runtime.")).filter(d -> !pkg.equals("cli")
                && !pkg.startsWith(d)).forEach(d -> wrong.add(pkg + " -> " + d)));
        assertThat(wrong).as("a concrete runtime is reached through the runtime seam (runtime.Runtime, RuntimeFactory)")
                .isEmpty();
    }

    /**
     * The commands choose a runtime by name through {@code RuntimeProvider} (the demo too: it is a built-in scenario on
     * the runtime named "local"); the two that still name one say why: audit reads a cluster's objects rather than
     * running on it, and the cluster options mixin makes its connection options.
     */
    @Test
    void commandsReachRuntimesThroughTheirProviders() {
        Set<String> allowed = Set.of("AuditCommand.java", "ClusterOptionsMixin.java");
        List<String> wrong = sources(MAIN).stream().filter(s -> s.pkg().equals("io.zerodrop.cli"))
                .filter(s -> !allowed.contains(s.file().getFileName().toString()))
                .filter(s -> s.zerodropDependencies().stream().anyMatch(d -> d.startsWith("io.zerodrop.runtime.")))
                .map(s -> s.file().getFileName() + " -> " + s.zerodropDependencies()).toList();
        assertThat(wrong).isEmpty();
    }

    @Test
    void coreAnalysisAndTheRuntimesImportNoCommandLineAndCoreNothing() {
        List<String> wrong = new ArrayList<>();
        graph().forEach((pkg, deps) -> {
            if (deps.contains("cli") && !pkg.equals("cli")) {
                wrong.add(pkg + " -> cli");
            }
            if (pkg.equals("core") || pkg.equals("timeline")) {
                deps.stream().filter(d -> !d.equals("core")).forEach(d -> wrong.add(pkg + " -> " + d));
            }
            if (pkg.equals("analysis") || pkg.equals("verdict") || pkg.equals("findings")) {
                deps.stream().filter(d -> d.startsWith("runtime") || d.startsWith("traffic") || d.equals("engine")
                        || d.equals("report")).forEach(d -> wrong.add(pkg + " -> " + d));
            }
            if (pkg.equals("scenario") && deps.contains("engine")) {
                wrong.add("scenario -> engine");
            }
        });
        assertThat(wrong).isEmpty();
    }

    @Test
    void packagesFormNoCycle() {
        Map<String, Set<String>> g = graph();
        List<String> cycles = new ArrayList<>();
        for (String start : g.keySet()) {
            // every package reachable from start's dependencies; start among them is a cycle
            Set<String> seen = new HashSet<>();
            List<String> todo = new ArrayList<>(g.getOrDefault(start, Set.of()));
            while (!todo.isEmpty()) {
                String p = todo.remove(todo.size() - 1);
                if (seen.add(p)) {
                    todo.addAll(g.getOrDefault(p, Set.of()));
                }
            }
            if (seen.contains(start)) {
                cycles.add(start + " reaches itself through " + g.get(start).stream().filter(d -> reaches(g, d, start))
                        .toList());
            }
        }
        assertThat(cycles).isEmpty();
    }

    private static boolean reaches(Map<String, Set<String>> g, String from, String to) {
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>(List.of(from));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            if (p.equals(to)) {
                return true;
            }
            if (seen.add(p)) {
                todo.addAll(g.getOrDefault(p, Set.of()));
            }
        }
        return false;
    }

    @Test
    void classesAreNamedByImportNotInline() {
        List<String> inline = new ArrayList<>();
        for (Path root : List.of(MAIN, TEST)) {
            for (Source s : sources(root)) {
                Set<String> taken = new HashSet<>();
                s.imports().forEach(i -> taken.add(i.substring(i.lastIndexOf('.') + 1)));
                Matcher d = Pattern.compile("\\b(?:class|interface|record|enum)\\s+([A-Z]\\w*)").matcher(s.code());
                while (d.find()) {
                    taken.add(d.group(1));
                }
                try (Stream<Path> siblings = Files.list(s.file().getParent())) {
                    siblings.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".java"))
                            .forEach(f -> taken.add(f.substring(0, f.length() - 5)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Matcher m = INLINE.matcher(s.code());
                while (m.find()) {
                    String name = m.group(1) + "." + m.group(2);
                    boolean clash = taken.contains(m.group(2)) && !s.imports().contains(name)
                            && !m.group(1).equals(s.pkg());
                    if (!m.group(1).equals("java.lang") && !clash) {
                        inline.add(s.file() + ": " + name);
                    }
                }
            }
        }
        assertThat(inline).as("import these (an inline name is for a simple name already taken)").isEmpty();
    }
}
