package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

class MockSmokeTest {
    @Test
    void crud() {
        KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(
                io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()), new io.fabric8.mockwebserver.MockWebServer(),
                new java.util.HashMap<>(), new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient c = server.createClient()) {
            c.pods().inNamespace("a").resource(new PodBuilder().withNewMetadata().withName("p").endMetadata().build())
                    .create();
            assertThat(c.pods().inNamespace("a").list().getItems()).hasSize(1);
        } finally {
            server.destroy();
        }
    }
}
