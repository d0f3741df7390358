package io.zerodrop.core;

/** Text for an XML attribute or element (JUnit, SARIF-adjacent reports, the tune report). */
public final class Xml {
    private Xml() {
    }

    /**
     * {@code s} escaped for XML 1.0, in attributes and text alike: markup characters as entities, and the characters
     * XML 1.0 cannot carry at all (controls other than tab, newline and carriage return; U+FFFE, U+FFFF) left out, so
     * that a message quoting a binary file or a terminal escape still makes a document every parser reads. Null is
     * the empty string.
     */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if ((c >= 0x20 && c != 0xFFFE && c != 0xFFFF) || c == '\n' || c == '\t' || c == '\r') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
