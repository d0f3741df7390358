package io.zerodrop.runtime.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.zerodrop.core.RunId;
import io.zerodrop.core.Undo;
import io.zerodrop.scenario.Scenario.Settings;
import io.zerodrop.scenario.Setting;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A zerodrop run cut down to one change, for {@link KilledRunClusterCleanupTest}: connects through a kubeconfig,
 * makes the change named by its argument through the production code path (record, undo registration, change),
 * prints {@code CHANGED <run id>} and waits to be killed. With {@code -Dzerodrop.leaseSeconds} its Lease is short.
 */
public final class RecordedChangeChild {
    private RecordedChangeChild() {
    }

    public static void main(String[] args) throws Exception {
        Path kubeconfig = Path.of(args[0]);
        String kind = args[1];
        Undo undo = new Undo();
        if (kind.equals("deploy")) {
            String runId = RunId.next();
            String ns = Deployer.namespaceFor(runId);
            Cluster c = Cluster.connectToCreate(new ClusterOptions(kubeconfig, null, null), ns);
            List<HasMetadata> objects = List.of(new ConfigMapBuilder().withNewMetadata().withName("web-config")
                    .endMetadata().withData(Map.of("k", "v")).build());
            new Deployer(objects, ns, runId, "test").deploy(c.client(), undo, r -> { });
            RunRecords.open(c.client(), ns, runId, System::currentTimeMillis, undo);
            changed(runId);
        }
        Cluster c = Cluster.connect(new ClusterOptions(kubeconfig, null, "shop"), null);
        RunRecords records = RunRecords.open(c.client(), "shop", RunId.next(), System::currentTimeMillis, undo);
        ClusterTarget web = ClusterTarget.find(c.client(), "shop", "deployment/web");
        switch (kind) {
            case "settings" -> new SettingsUnderTest(c.client(), "shop", true, () -> records).apply(web, new Settings(
                    Map.of(Setting.TERMINATION_GRACE_PERIOD_SECONDS, "45", Setting.PRE_STOP_SLEEP_SECONDS, "5",
                            Setting.READINESS_PERIOD_SECONDS, "2", Setting.MAX_SURGE, "1", Setting.MAX_UNAVAILABLE, "0"),
                    Map.of("DRAIN_TIMEOUT_MS", "8000")), undo,
                    r -> { }, 60_000);
            case "budget" -> new SettingsUnderTest(c.client(), "shop", true, () -> records).apply(web, new Settings(
                    Map.of(Setting.PDB_MIN_AVAILABLE, "2"), Map.of()), undo, r -> { }, 60_000);
            case "scale" -> new ApiCalls(c.client(), "shop").scaleRecorded("web", 3, 5, records, undo);
            case "cordon" -> new ApiCalls(c.client(), "shop").cordonUnlessCordoned("node-1", undo, records);
            case "job" -> new LoadJob("zerodrop-load-" + records.runId(), "shop", "zerodrop/gatling:dev", 2,
                    "io.zerodrop.sims.Steady", Map.of(), 2_000, 1_000, 60_000, records.runId()).create(c.client(),
                    undo, r -> { });
            default -> throw new IllegalArgumentException(kind);
        }
        changed(records.runId());
    }

    private static void changed(String runId) throws InterruptedException {
        System.out.println("CHANGED " + runId);
        System.out.flush();
        Thread.sleep(600_000); // killed long before
        System.exit(9);
    }
}
