package io.zerodrop.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** One XML escaper for JUnit, audit and tune outputs: what any parser reads back, whatever a message quotes. */
class XmlTest {
    @Test
    void markupIsEscapedAndCharactersXmlCannotCarryAreLeftOut() throws Exception {
        String nasty = "a<b> & \"c\" 'd' \u001b[31mred\u001b[0m \u0000nul\u0007 tab\there \uFFFE";
        String doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><t a=\"" + Xml.escape(nasty) + "\">"
                + Xml.escape(nasty) + "</t>";
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(
                doc.getBytes(StandardCharsets.UTF_8)));
        String expected = "a<b> & \"c\" 'd' [31mred[0m nul tab\there ";
        assertThat(d.getDocumentElement().getTextContent()).isEqualTo(expected);
        assertThat(d.getDocumentElement().getAttribute("a")).isEqualTo(expected.replace('\t', ' '));
        assertThat(Xml.escape(null)).isEmpty();
    }
}
