package io.zerodrop.runtime.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.zerodrop.runtime.local.AvailabilitySampler.Seen;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AvailabilitySamplerTest {

    private static Map<String, Object> described(AvailabilitySampler s) {
        Map<String, Object> m = new LinkedHashMap<>();
        s.describe(m);
        return m;
    }

    @Test
    void aReadyPodNotYetInRotationIsUnavailableToClientsButHealthyToTheBudget() {
        AvailabilitySampler s = new AvailabilitySampler();
        s.sample(3, List.of(new Seen("a", false, true, true), new Seen("b", false, true, true),
                new Seen("c", false, true, true)));
        // b evicted (terminating, still routed until the deletion propagates), its replacement b2 Ready, not routed
        s.sample(3, List.of(new Seen("a", false, true, true), new Seen("b", true, false, true),
                new Seen("b2", false, true, false), new Seen("c", false, true, true)));
        Map<String, Object> m = described(s);
        assertThat(m).containsEntry("maxUnavailableObserved", 1).containsEntry("maxNotReadyObserved", 0);
        @SuppressWarnings("unchecked")
        Map<String, Object> worst = (Map<String, Object>) m.get("atMaxUnavailable");
        assertThat(worst).containsEntry("unavailable", 1).containsEntry("heldDownByBudgetCount", 0)
                .containsEntry("readyNotYetInRotation", List.of("b2")).containsEntry("notReady", List.of());
    }

    @Test
    void theWorstMomentIsKeptWithWhatMadeItAndALaterBetterMomentDoesNotReplaceIt() {
        AvailabilitySampler s = new AvailabilitySampler();
        // c evicted while b2 was Ready but not routed, and d's readiness failing: three short of four
        s.sample(4, List.of(new Seen("a", false, true, true), new Seen("b2", false, true, false),
                new Seen("c", true, true, true), new Seen("d", false, false, true)));
        s.sample(4, List.of(new Seen("a", false, true, true), new Seen("b2", false, true, true),
                new Seen("c2", false, false, false), new Seen("d", false, true, true)));
        Map<String, Object> m = described(s);
        assertThat(m).containsEntry("maxUnavailableObserved", 3).containsEntry("maxNotReadyObserved", 2);
        @SuppressWarnings("unchecked")
        Map<String, Object> worst = (Map<String, Object>) m.get("atMaxUnavailable");
        assertThat(worst).containsEntry("unavailable", 3).containsEntry("heldDownByBudgetCount", 2)
                .containsEntry("readyNotYetInRotation", List.of("b2")).containsEntry("notReady", List.of("d"));
    }

    @Test
    void nothingSampledSaysSo() {
        assertThat(described(new AvailabilitySampler())).containsEntry("maxUnavailableObserved", 0)
                .containsEntry("maxNotReadyObserved", 0).containsEntry("atMaxUnavailable", Map.of());
    }
}
