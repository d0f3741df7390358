package io.zerodrop.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zerodrop.core.ZerodropException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The revert a record describes, computed against the object as it is when the revert is sent. */
class RunRecordsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode object(String record, String spec) throws Exception {
        ObjectNode o = (ObjectNode) JSON.readTree("{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\","
                + "\"resourceVersion\":\"42\",\"annotations\":{\"other\":\"kept\"}},\"spec\":" + spec + "}");
        ((ObjectNode) o.get("metadata").get("annotations")).put("zerodrop.io/undo-r1-1", record);
        return o;
    }

    @Test
    void eachFieldIsSetBackOrRemovedGuardedByTheRecordsTestsAndTheRecordGoesWithIt()
            throws Exception {
        String record = "{\"run\":\"r1\",\"order\":1,\"restore\":[{\"path\":\"/spec/replicas\",\"value\":3},"
                + "{\"path\":\"/spec/strategy\",\"absent\":true},{\"path\":\"/spec/minReadySeconds\",\"absent\":true}],"
                + "\"test\":{\"/spec/template/spec/containers/0/name\":\"web\"}}";
        // replicas changed, a strategy added by the run, minReadySeconds never set (nothing to remove), image changed
        // by somebody else meanwhile (not named: kept)
        JsonNode now = object(record, "{\"replicas\":5,\"strategy\":{\"type\":\"RollingUpdate\"},\"template\":{"
                + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"web:2\"}]}}}");
        assertThat(RunRecords.revertOps(now, "zerodrop.io/undo-r1-1").toString()).isEqualTo("["
                + "{\"op\":\"test\",\"path\":\"/spec/template/spec/containers/0/name\",\"value\":\"web\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/replicas\",\"value\":3},"
                + "{\"op\":\"remove\",\"path\":\"/spec/strategy\"},"
                + "{\"op\":\"remove\",\"path\":\"/metadata/annotations/zerodrop.io~1undo-r1-1\"}]");
    }

    @Test
    void aRecordIsWrittenWithTheChangeAndCreatesTheAnnotationsWhereThereAreNone() {
        RunRecords.Record r = new RunRecords.Record("zerodrop.io/undo-r1-2", "{}");
        assertThat(RunRecords.addOps(r, null).toString()).isEqualTo("[{\"op\":\"add\",\"path\":"
                + "\"/metadata/annotations\",\"value\":{}}, {\"op\":\"add\",\"path\":"
                + "\"/metadata/annotations/zerodrop.io~1undo-r1-2\",\"value\":\"{}\"}]");
        assertThat(RunRecords.addOps(r, Map.of("a", "b"))).as("existing annotations are kept").hasSize(1);
        assertThat(RunRecords.Field.of("/spec/x", null).value()).isNull();
        assertThat(RunRecords.Field.of("/spec/x", List.of(1)).value().toString()).isEqualTo("[1]");
    }

    @Test
    void aRecordThatIsNotJsonIsNamedNotGuessedAt() throws Exception {
        JsonNode now = object("not json {", "{}");
        assertThatThrownBy(() -> RunRecords.revertOps(now, "zerodrop.io/undo-r1-1"))
                .isInstanceOf(ZerodropException.class)
                .hasMessageContaining("the record zerodrop.io/undo-r1-1 on Deployment web is not readable JSON");
    }
}
