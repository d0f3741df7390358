package io.zerodrop.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.zerodrop.traffic.GeneratorRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * report.json's {@code header}: who ran what, where, on which clock, set up how.
 *
 * @param zerodrop the version
 * @param command  {@code run}, {@code demo}, {@code tune}, {@code traffic}
 * @param run      the run's one id (its marker's, its processes' {@code ZERODROP_RUN}, its records in a cluster);
 *                 null when the run had no marker, and then left out
 * @param runtime  the runtime, as it names itself
 * @param target   what was disrupted or loaded (a workload, or the URL of a traffic run)
 * @param gatling  Gatling's version, or why no load ran
 * @param clock    the one clock every timestamp is from
 * @param settings what the run was set up with, as the command shows it: a run's settings under test, runtime,
 *                 load, generators, steps and expectations; a traffic run's simulation and its properties. Read by
 *                 people; what the report itself reads from it has a typed accessor ({@link #generators()})
 */
public record Header(String zerodrop, String command, @JsonInclude(JsonInclude.Include.NON_NULL) String run,
        String runtime, String target, String gatling, String java, String os, int cpus, String host, String clock,
        Map<String, Object> settings) {

    public Header {
        settings = settings == null ? Map.of() : settings;
    }

    /** A header that knows only the command (a report of a run that got no further, and tests). */
    public static Header of(String command) {
        return new Header("", command, null, "", "", "", "", "", 0, "", "", Map.of());
    }

    /** The same header with {@code more} settings (tests build reports from parts). */
    public Header withSettings(Map<String, Object> more) {
        Map<String, Object> s = new LinkedHashMap<>(settings);
        s.putAll(more);
        return new Header(zerodrop, command, run, runtime, target, gatling, java, os, cpus, host, clock, s);
    }

    /** Its fields by name, in report.json's order, for the HTML report's table. */
    public Map<String, Object> fields() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("zerodrop", zerodrop);
        m.put("command", command);
        if (run != null) {
            m.put("run", run);
        }
        m.put("runtime", runtime);
        m.put("target", target);
        m.put("gatling", gatling);
        m.put("java", java);
        m.put("os", os);
        m.put("cpus", cpus);
        m.put("host", host);
        m.put("clock", clock);
        m.put("settings", settings);
        return m;
    }

    /**
     * The load generators of a run from inside the cluster ({@code settings.loadGenerators}); empty for the single
     * local generator.
     */
    public List<GeneratorRow> generators() {
        return settings.get("loadGenerators") instanceof List<?> l ? l.stream().filter(GeneratorRow.class::isInstance)
                .map(GeneratorRow.class::cast).toList() : List.of();
    }
}
