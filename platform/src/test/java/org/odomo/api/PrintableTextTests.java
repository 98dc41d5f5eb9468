package org.odomo.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class PrintableTextTests {

    /** Spring Security's own rule, which {@link PrintableText} must match exactly. */
    private static final Pattern FIREWALL_RULE = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

    @Test
    void agreesWithTheFirewallsRegularExpression() {
        String[] samples = { "", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig", "a\tb", "a\nb", "\u0000", "\u007f", "\u0080",
                "\u009f", "\u00a0", "é", "日本", "\uD83D\uDE97", "\uD83D", "\uDE97x", "\u0378", "\uFFFF", "\u200B",
                "x\u0085y", "\uDB40\uDC01" };
        for (String s : samples) {
            assertThat(PrintableText.isPrintable(s)).as("%s", s.codePoints().boxed().toList())
                    .isEqualTo(FIREWALL_RULE.matcher(s).matches());
        }
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int k = random.nextInt(6); k > 0; k--) {
                int kind = random.nextInt(4);
                int cp = kind == 0 ? random.nextInt(0x100) : kind == 1 ? random.nextInt(0x10000)
                        : kind == 2 ? random.nextInt(0x110000) : 0x20 + random.nextInt(0x5f);
                s.appendCodePoint(cp);
            }
            String text = s.toString();
            assertThat(PrintableText.isPrintable(text)).as("%s", text.codePoints().boxed().toList())
                    .isEqualTo(FIREWALL_RULE.matcher(text).matches());
        }
    }
}
