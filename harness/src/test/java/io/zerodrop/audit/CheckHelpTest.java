package io.zerodrop.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every check has its help, and the help is the README's check table, word for word (one text, not two). */
class CheckHelpTest {
    @Test
    void everyCheckHasHelpAndItIsTheReadmesTableRow() throws Exception {
        Map<String, String[]> table = new LinkedHashMap<>();
        Matcher m = Pattern.compile("^\\| (ZD\\d{3}) \\| ([^|]+) \\| (.+) \\|$", Pattern.MULTILINE)
                .matcher(Files.readString(Path.of("../README.md")));
        while (m.find()) {
            table.put(m.group(1), new String[] {m.group(2).trim(), m.group(3).trim()});
        }
        assertThat(table.keySet()).containsExactlyElementsOf(Auditor.checks().stream().map(AuditCheck::id).toList());
        for (AuditCheck c : Auditor.checks()) {
            CheckHelp.Help h = CheckHelp.of(c.id());
            assertThat(h).as(c.id()).isNotNull();
            assertThat(h.severity()).as(c.id()).isEqualTo(table.get(c.id())[0]);
            assertThat(h.text()).as(c.id()).isEqualTo(table.get(c.id())[1]);
        }
        assertThat(CheckHelp.of(Auditor.IGNORE_CHECK)).isNotNull();
        assertThat(CheckHelp.all()).hasSize(Auditor.checks().size() + 1);
    }
}
