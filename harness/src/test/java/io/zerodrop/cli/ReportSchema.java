package io.zerodrop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.Set;

/** Validates a report.json against the schema zerodrop ships (io/zerodrop/report/report.schema.json). */
final class ReportSchema {
    private ReportSchema() {
    }

    static void assertValid(JsonNode report) throws Exception {
        try (InputStream in = ReportSchema.class.getResourceAsStream("/io/zerodrop/report/report.schema.json")) {
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            Set<ValidationMessage> errors = schema.validate(report);
            assertThat(errors).as("report.json schema violations").isEmpty();
        }
    }
}
