package io.zerodrop.findings;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.zerodrop.scenario.Setting;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something the run showed that a person should know, with the setting that fixes it when zerodrop knows one.
 *
 * @param code stable identifier, e.g. {@code load-generator-saturated}
 * @param evidence what was measured (pods, times, counts, lags with p50/p95/max), by name
 * @param patch the fix as a kustomize patch (YAML, applicable to the user's manifests as it is), or null
 * @param patchFile where the patch was written, relative to the report's directory, or null
 * @param settings the same fix as settings under test, for {@code zerodrop run --verify-fixes}; empty when no setting
 *     expresses it. report.json names each by its key (e.g. {@code preStopSleepSeconds}), in {@link Setting}'s order
 */
@JsonPropertyOrder({"severity", "code", "title", "detail", "fix", "evidence", "patch", "patchFile", "settings"})
public record Finding(Severity severity, String code, String title, String detail, String fix,
        Map<String, Object> evidence, String patch, String patchFile, @JsonIgnore Map<Setting, String> settings) {
    /** How much it matters. */
    public enum Severity { INFO, WARNING, ERROR }

    public Finding {
        evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(
                evidence));
        settings = settings == null || settings.isEmpty() ? Map.of() : Collections.unmodifiableMap(
                new EnumMap<>(settings));
        settings.forEach((k, v) -> Objects.requireNonNull(v, () -> "finding " + code + ": setting " + k.key()
                + " has no value"));
    }

    /** A finding with evidence and a patch, without settings under test. */
    public Finding(Severity severity, String code, String title, String detail, String fix,
            Map<String, Object> evidence, String patch, String patchFile) {
        this(severity, code, title, detail, fix, evidence, patch, patchFile, Map.of());
    }

    /** A finding without measured evidence or a patch. */
    public Finding(Severity severity, String code, String title, String detail, String fix) {
        this(severity, code, title, detail, fix, Map.of(), null, null, Map.of());
    }

    /** The same finding, its patch written to {@code file}. */
    public Finding writtenTo(String file) {
        return new Finding(severity, code, title, detail, fix, evidence, patch, file, settings);
    }

    /** The same finding, its fix also expressed as settings under test. */
    public Finding withSettings(Map<Setting, String> s) {
        return new Finding(severity, code, title, detail, fix, evidence, patch, patchFile, s);
    }

    /** The fix's settings as report.json and the console name them: by key, in {@link Setting}'s order. */
    @JsonProperty("settings")
    public Map<String, String> settingsByKey() {
        return Setting.byKey(settings);
    }
}
