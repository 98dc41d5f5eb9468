package org.odomo.api;

/**
 * The rule of Spring Security's default firewall for header and parameter names and values
 * (every code point assigned and none a control character, the regular expression
 * {@code [\p{IsAssigned}&&[^\p{IsControl}]]*}), without the regular expression.
 */
final class PrintableText {

    private PrintableText() {
    }

    static boolean isPrintable(String text) {
        if (text == null) {
            return true;
        }
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (c < 0x20 || c == 0x7f) {
                    return false;
                }
                continue;
            }
            int cp = text.codePointAt(i);
            if (!Character.isDefined(cp) || Character.isISOControl(cp)) {
                return false;
            }
            if (Character.isSupplementaryCodePoint(cp)) {
                i++;
            }
        }
        return true;
    }
}
