package io.zerodrop.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The size rule, read from the main sources of every module: no source file over {@value #MAX_CLASS_LINES} lines and
 * no method or constructor body over {@value #MAX_METHOD_LINES} lines, unless the type's or the method's doc comment
 * gives the reason in one line starting with {@code Size:}. A reason that is no longer needed is an error too, so the
 * exceptions stay a short, true list.
 */
class SizeRulesTest {
    static final int MAX_CLASS_LINES = 400;
    static final int MAX_METHOD_LINES = 60;
    static final List<Path> ROOTS = List.of(Path.of("src/main/java"), Path.of("../target-app/src/main/java"),
            Path.of("../gatling-sims/src/main/java"), Path.of("../test-support/src/main/java"));
    /** Comments and literals, blanked to spaces (newlines kept) so offsets and line numbers stay those of the file. */
    private static final Pattern NOISE = Pattern.compile("/\\*.*?\\*/|//[^\\n]*|\"\"\"[\\s\\S]*?\"\"\""
            + "|\"(?:\\\\.|[^\"\\\\\\n])*\"|'(?:\\\\.|[^'\\\\\\n])*'", Pattern.DOTALL);
    /** The head of a method or constructor: a name, its parameters, perhaps a throws clause, then the body's brace. */
    private static final Pattern SIGNATURE = Pattern.compile("(\\w+)\\s*\\(([^;{}()]|\\([^()]*\\))*\\)\\s*"
            + "(throws\\s+[\\w.,\\s]+)?\\s*$");
    private static final Pattern TYPE = Pattern.compile("\\b(class|interface|enum|record)\\s+\\w+");
    private static final Set<String> NOT_METHODS = Set.of("if", "for", "while", "switch", "catch", "synchronized",
            "try", "else", "do", "return", "new", "throw", "yield", "case");
    private static final Pattern REASON = Pattern.compile("(?m)^\\s*(?:/\\*\\*|\\*)?\\s*(?:<p>)?Size:\\s*\\S");

    /** One body that measured over its limit, or one reason given where none is needed. */
    record Finding(String where, int lines, boolean reasoned, int limit) {
        /** The file, and the method's name for a method: what {@link #STILL_TO_SPLIT} is keyed by. */
        String key() {
            return where.replaceFirst(":\\d+", "");
        }

        boolean breaksRule() {
            return lines > limit != reasoned;
        }

        @Override
        public String toString() {
            return reasoned ? where + ": " + lines + " lines carries a 'Size:' reason but is within " + limit
                    : where + ": " + lines + " lines (limit " + limit + ") and no 'Size:' reason in its doc comment";
        }
    }

    /**
     * The bodies still over the rule when it came in, with the size each had then: each may shrink, none may grow,
     * and one back within the rule must leave this list. Nothing new joins it: split it, or give the reason.
     */
    static final Map<String, Integer> STILL_TO_SPLIT = Map.of();

    @Test
    void noClassOrMethodIsLongerThanTheRuleWithoutAReason() {
        List<String> broken = new ArrayList<>();
        Set<String> stillOver = new HashSet<>();
        for (Path file : mainSources()) {
            for (Finding f : measure(file)) {
                Integer was = STILL_TO_SPLIT.get(f.key());
                if (f.breaksRule() && !f.reasoned() && was != null && f.lines() <= was) {
                    stillOver.add(f.key());
                } else if (f.breaksRule()) {
                    broken.add(f + (was != null ? " (it had " + was + " when the rule came in: it may only shrink)"
                            : ""));
                }
            }
        }
        assertThat(broken).as("classes over %d lines, methods over %d, each needs a one-line 'Size:' reason in its"
                + " doc comment (or to be split)", MAX_CLASS_LINES, MAX_METHOD_LINES).isEmpty();
        assertThat(STILL_TO_SPLIT.keySet()).as("within the rule now: take them off STILL_TO_SPLIT")
                .containsExactlyInAnyOrderElementsOf(stillOver);
    }

    @Test
    void theMeasureSeesMethodsAndOnlyMethods() {
        String text = """
                /** A type. */
                final class A {
                    /** Size: one table. */
                    static int table() {
                        return switch (1) {
                            default -> 1;
                        };
                    }

                    A(int x) throws java.io.IOException {
                        if (x > 0) {
                            Runnable r = () -> {
                                System.out.println("{");
                            };
                        }
                    }

                    record R(int a) {
                        R {
                        }
                    }
                }
                """;
        List<Finding> found = measure(Path.of("A.java"), text, 3, 10);
        assertThat(found).extracting(Finding::where).containsExactly("A.java:4 table", "A.java:10 A", "A.java:1");
        assertThat(found.get(0).lines()).isEqualTo(5);
        assertThat(found.get(0).reasoned()).isTrue();
        assertThat(found.get(1).lines()).isEqualTo(7);
        assertThat(found.get(1).reasoned()).isFalse();
        assertThat(found.get(2).lines()).isEqualTo(text.split("\n").length);
    }

    static List<Path> mainSources() {
        List<Path> out = new ArrayList<>();
        for (Path root : ROOTS) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        assertThat(out).as("main sources under %s", ROOTS).isNotEmpty();
        return out;
    }

    static List<Finding> measure(Path file) {
        try {
            return measure(file, Files.readString(file), MAX_METHOD_LINES, MAX_CLASS_LINES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every method or constructor body over {@code methodLimit} lines or carrying a reason, then the file itself when
     * over {@code classLimit} or carrying a reason (the first type's doc comment). Lines counted from the
     * line of the opening brace to that of the closing one.
     */
    static List<Finding> measure(Path file, String text, int methodLimit, int classLimit) {
        Matcher noise = NOISE.matcher(text);
        StringBuilder code = new StringBuilder(text);
        while (noise.find()) {
            for (int i = noise.start(); i < noise.end(); i++) {
                if (code.charAt(i) != '\n') {
                    code.setCharAt(i, ' ');
                }
            }
        }
        List<Finding> out = new ArrayList<>();
        Deque<int[]> open = new ArrayDeque<>();
        int headStart = 0;
        for (int i = 0; i < code.length(); i++) {
            char ch = code.charAt(i);
            if (ch == '{') {
                String head = code.substring(headStart, i);
                Matcher sig = SIGNATURE.matcher(head);
                boolean method = sig.find() && !NOT_METHODS.contains(sig.group(1)) && !head.contains("->")
                        && !head.contains("=") && !TYPE.matcher(head).find() && !head.contains("new ");
                open.push(new int[] {i, method ? headStart : -1});
                headStart = i + 1;
            } else if (ch == '}' || ch == ';') {
                if (ch == '}' && !open.isEmpty()) {
                    int[] o = open.pop();
                    if (o[1] >= 0) {
                        int lines = lineOf(code, i) - lineOf(code, o[0]) + 1;
                        String head = text.substring(o[1], o[0]);
                        boolean reasoned = REASON.matcher(doc(head)).find();
                        if (lines > methodLimit || reasoned) {
                            Matcher sig = SIGNATURE.matcher(code.substring(o[1], o[0]));
                            sig.find();
                            out.add(new Finding(file.getFileName() + ":" + lineOf(code, o[1] + sig.start()) + " "
                                    + sig.group(1), lines, reasoned, methodLimit));
                        }
                    }
                }
                headStart = i + 1;
            }
        }
        int lines = (int) text.lines().count();
        Matcher type = TYPE.matcher(code);
        String typeDoc = type.find() ? doc(text.substring(0, type.start())) : "";
        boolean reasoned = REASON.matcher(typeDoc).find();
        if (lines > classLimit || reasoned) {
            out.add(new Finding(file.getFileName() + ":1", lines, reasoned, classLimit));
        }
        return out;
    }

    /** The last doc comment in a head (what stands before a declaration since the previous one ended). */
    private static String doc(String head) {
        int start = head.lastIndexOf("/**");
        return start < 0 ? "" : head.substring(start);
    }

    private static int lineOf(CharSequence code, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
