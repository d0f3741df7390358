package io.zerodrop.runtime.local;

import io.zerodrop.core.ZerodropException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Container image → local command. The local runtime runs the mapped command instead of the image's entrypoint
 * (the manifest's command/args name paths inside the image, which do not exist here). Placeholders in the command
 * and in the mapping's env: {@code ${POD_NAME}}, {@code ${POD_IP}}, {@code ${POD_DIR}} (the pod's own directory).
 * The app must listen on {@code ${POD_IP}}: every pod has its own loopback address and the container port.
 *
 * <p>{@code zerodrop/target-app:*} is mapped by default to the target-app jar, with {@code BIND=${POD_IP}},
 * {@code LEDGER_FILE=${POD_DIR}/ledger.json} and {@code TERMINATION_LOG=${POD_DIR}/termination-log}.
 */
public final class ImageMap {
    /** One mapping. */
    public record Mapping(List<String> command, Map<String, String> env) {
    }

    private final Map<String, Mapping> byImage = new LinkedHashMap<>();

    public static ImageMap withDefaults() {
        ImageMap m = new ImageMap();
        m.byImage.put("zerodrop/target-app", targetApp());
        return m;
    }

    /**
     * Parses {@code IMAGE=COMMAND}. The command is split into words as a POSIX shell would without expanding
     * anything: spaces separate words, single quotes keep everything literally, double quotes keep spaces, a
     * backslash escapes the next character; so {@code app=sh -c 'sleep 1; exit 3'} runs {@code sh} with two
     * arguments.
     */
    public ImageMap with(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw ZerodropException.usage("--image \"" + spec + "\" is invalid: expected IMAGE=COMMAND, e.g. "
                    + "myapp:1.2='java -jar build/myapp.jar'");
        }
        String image = spec.substring(0, eq).trim();
        List<String> cmd = words(spec.substring(eq + 1), spec);
        if (cmd.size() == 1 && cmd.get(0).contains(" ")) {
            cmd = words(cmd.get(0), spec); // the whole command quoted once, as in app='java -jar app.jar'
        }
        if (cmd.isEmpty()) {
            throw ZerodropException.usage("--image \"" + spec + "\" has an empty command");
        }
        byImage.put(image, new Mapping(List.copyOf(cmd), Map.of()));
        return this;
    }

    static List<String> words(String line, String spec) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\\' && i + 1 < line.length() && quote != '\'') {
                w.append(line.charAt(++i));
                inWord = true;
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw ZerodropException.usage("--image \"" + spec + "\" has an unterminated " + (quote == '"' ? "double"
                    : "single") + " quote");
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out;
    }

    public Mapping resolve(String image) {
        Mapping exact = byImage.get(image);
        if (exact != null) {
            return exact;
        }
        String repo = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
        Mapping byRepo = byImage.get(repo);
        if (byRepo != null) {
            return byRepo;
        }
        throw ZerodropException.usage("image \"" + image + "\" has no local command: map it with --image "
                + image + "='<command that runs it here>' (known: " + byImage.keySet() + ")");
    }

    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        byImage.forEach((k, v) -> out.put(k, String.join(" ", v.command())));
        return out;
    }

    private static Mapping targetApp() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx128m"));
        Path jar = targetAppJar();
        if (jar != null) {
            cmd.addAll(List.of("-jar", jar.toString()));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.zerodrop.targetapp.TargetApp"));
        }
        return new Mapping(List.copyOf(cmd), Map.of("BIND", "${POD_IP}", "LEDGER_FILE", "${POD_DIR}/ledger.json",
                "REQUEST_LOG_FILE", "${POD_DIR}/requests.log", "TERMINATION_LOG", "${POD_DIR}/termination-log"));
    }

    /**
     * The target-app jar: {@code -Dzerodrop.targetAppJar}, else {@code images/target-app.jar} beside zerodrop's own
     * jar, else a target-app jar on the class path; null when target-app's classes are on the class path as a
     * directory (a build's test phase), in which case the class path itself runs it.
     */
    static Path targetAppJar() {
        String explicit = System.getProperty("zerodrop.targetAppJar");
        if (explicit != null) {
            return Path.of(explicit);
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName() != null && p.getFileName().toString().equals("zerodrop.jar")) {
                Path beside = p.resolveSibling("images").resolve("target-app.jar");
                if (Files.exists(beside)) {
                    return beside;
                }
            }
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
            if (name.matches("target-app(-[\\w.]+)?\\.jar") && !name.contains("tests")) {
                return Path.of(entry);
            }
        }
        return null;
    }
}
