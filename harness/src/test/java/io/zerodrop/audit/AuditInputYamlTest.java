package io.zerodrop.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zerodrop.core.ZerodropException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * YAML as real inputs write it: many aliases (SnakeYAML's default refuses more than 50), merge keys, inputs over
 * 3 MiB — and the exponential alias document ("billion laughs") and a recursive alias refused, located, instead of
 * exhausting memory.
 */
class AuditInputYamlTest {
    private static List<AuditObject> read(String yaml) {
        List<AuditObject> out = new ArrayList<>();
        AuditInput.parse(yaml, "m.yaml", null, out);
        return out;
    }

    @Test
    void manyAliasesAndMergeKeysAreRead() {
        StringBuilder b = new StringBuilder("x-probe: &probe {httpGet: {path: /ready, port: http}, periodSeconds: 2}\n"
                + "apiVersion: v1\nkind: List\nitems:\n");
        for (int i = 0; i < 120; i++) {
            b.append("- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: w").append(i).append("}\n")
                    .append("  spec:\n    selector: {matchLabels: {app: w").append(i).append("}}\n")
                    .append("    template:\n      metadata: {labels: {app: w").append(i).append("}}\n")
                    .append("      spec:\n        containers:\n        - name: c\n          image: x\n")
                    .append("          readinessProbe: *probe\n")
                    .append("          livenessProbe: {<<: *probe, periodSeconds: 10}\n");
        }
        List<AuditObject> objects = read(b.toString());
        assertThat(objects).hasSize(120);
        var c = AuditContext.podSpec(objects.get(119)).getContainers().get(0);
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(c.getLivenessProbe().getPeriodSeconds()).as("a merge key's own value wins").isEqualTo(10);
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).as("merged from the anchor").isEqualTo("/ready");
    }

    @Test
    void anInputOverThreeMebibytesIsRead() {
        String doc = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\ndata: {blob: %s}\n";
        String blob = "a".repeat(100_000);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            b.append(String.format(doc, i, blob));
        }
        assertThat(b.length()).isGreaterThan(3 * 1024 * 1024);
        assertThat(read(b.toString())).hasSize(40);
    }

    @Test
    void aDocumentThatExpandsExponentiallyThroughAliasesIsRefusedWithItsLine() {
        StringBuilder b = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n"
                + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol,"
                + " lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
            b.append("x").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                b.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            b.append("]\n");
        }
        assertThatThrownBy(() -> read(b.toString())).isInstanceOf(ZerodropException.class)
                .hasMessageStartingWith("m.yaml:5: the document expands to more than 5000000 values through its"
                        + " aliases");
    }

    @Test
    void aRecursiveAliasIsRefusedWithItsLine() {
        assertThatThrownBy(() -> read("apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: c\n  self: *m\n"))
                .isInstanceOf(ZerodropException.class).hasMessageContaining("m.yaml:3: an alias refers to a value"
                        + " that contains it");
    }

    /** kubectl refuses a mapping with a key twice (two documents run together without "---"): so does the audit. */
    @Test
    void aKeyTwiceInOneMappingIsRefusedWithItsPlace() {
        String joined = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: b}\n"
                + "spec: {maxUnavailable: 1, selector: {matchLabels: {app: c}}}\n"
                + "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n";
        assertThatThrownBy(() -> read(joined)).isInstanceOf(ZerodropException.class)
                .hasMessageContaining("m.yaml:5:1").hasMessageContaining("apiVersion");
    }
}
