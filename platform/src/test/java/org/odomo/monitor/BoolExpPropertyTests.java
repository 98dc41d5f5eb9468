package org.odomo.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.odomo.api.ApiException;

import tools.jackson.databind.node.StringNode;

/**
 * The boolean expression against an independent reference over 100,000 random expressions of at
 * most five names: the reference is a tree of its own whose meaning is a 32-bit truth table built
 * with bitwise operations, printed with only the parentheses precedence requires (or more, at
 * random), so the parser's precedence and associativity are what is tested.
 */
class BoolExpPropertyTests {

    private static final String[] NAMES = {"z1", "t", "fuel", "a_2", "o.9"};
    private static final long ALL = 0xFFFF_FFFFL;

    /** The reference expression: kind 0 name, 1 not, 2 and, 3 or. */
    record Ref(int kind, int name, Ref left, Ref right) {
        long table() {
            return switch (kind) {
                case 0 -> variable(name);
                case 1 -> ~left.table() & ALL;
                case 2 -> left.table() & right.table();
                default -> left.table() | right.table();
            };
        }

        int precedence() {
            return switch (kind) {
                case 0 -> 4;
                case 1 -> 3;
                case 2 -> 2;
                default -> 1;
            };
        }

        void names(Set<String> into) {
            if (kind == 0) {
                into.add(NAMES[name]);
            } else {
                left.names(into);
                if (right != null) {
                    right.names(into);
                }
            }
        }
    }

    /** Assignment k gives name i the value of bit i of k: the truth table of name i. */
    static long variable(int i) {
        long t = 0;
        for (int k = 0; k < 32; k++) {
            if (((k >> i) & 1) == 1) {
                t |= 1L << k;
            }
        }
        return t;
    }

    static Ref random(Random r, int depth) {
        int kind = depth == 0 || r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(3);
        return switch (kind) {
            case 0 -> new Ref(0, r.nextInt(NAMES.length), null, null);
            case 1 -> new Ref(1, 0, random(r, depth - 1), null);
            default -> new Ref(kind, 0, random(r, depth - 1), random(r, depth - 1));
        };
    }

    static String print(Ref e, Random r) {
        String s = switch (e.kind()) {
            case 0 -> NAMES[e.name()];
            case 1 -> "!" + child(e.left(), 3, r);
            case 2 -> child(e.left(), 2, r) + space(r) + "&" + space(r) + child(e.right(), 3, r);
            default -> child(e.left(), 1, r) + space(r) + "|" + space(r) + child(e.right(), 2, r);
        };
        return s;
    }

    /** Parenthesised when its precedence is below what the position needs, and now and then anyway. */
    static String child(Ref e, int needed, Random r) {
        String s = print(e, r);
        return e.precedence() < needed || r.nextInt(8) == 0 ? "(" + space(r) + s + space(r) + ")" : s;
    }

    static String space(Random r) {
        return r.nextInt(3) == 0 ? " " : "";
    }

    @Test
    void everyContingentExpressionEvaluatesAsTheReferenceAndEveryConstantOneIsRefused() {
        Random random = new Random(20261129L);
        int constant = 0;
        for (int i = 0; i < 100_000; i++) {
            Ref ref = random(random, 1 + random.nextInt(5));
            String text = print(ref, random);
            Set<String> declared = new LinkedHashSet<>();
            ref.names(declared);
            long table = ref.table();
            if (table == 0 || table == ALL) {
                constant++;
                assertThatThrownBy(() -> MonitorReader.boolExp(StringNode.valueOf(text), declared)).as(text)
                        .isInstanceOf(ApiException.class)
                        .hasMessageContaining("always " + (table == ALL));
                continue;
            }
            BoolExp parsed = MonitorReader.boolExp(StringNode.valueOf(text), declared);
            List<String> names = List.of(NAMES);
            for (int k = 0; k < 32; k++) {
                int assignment = k;
                boolean expected = ((table >> k) & 1) == 1;
                assertThat(parsed.evaluate(n -> ((assignment >> names.indexOf(n)) & 1) == 1))
                        .as(text + " under assignment " + k).isEqualTo(expected);
            }
        }
        // The generator must produce both kinds for the property to mean anything.
        assertThat(constant).isBetween(100, 50_000);
    }

    @Test
    void malformedExpressionsAreRefusedWithTheirPosition() {
        Set<String> ab = Set.of("a", "b");
        assertThatThrownBy(() -> BoolExp.parse("a & (b | a")).hasMessage("'(' at position 4 is not closed at position 10");
        assertThatThrownBy(() -> BoolExp.parse("a & b)")).hasMessage("unbalanced ')' at position 5");
        assertThatThrownBy(() -> BoolExp.parse("a &")).hasMessage(
                "expected a trigger name, '!' or '(' but the expression ended at position 3");
        assertThatThrownBy(() -> BoolExp.parse("a b")).hasMessage(
                "expected '&', '|' or the end, found 'b' at position 2");
        assertThatThrownBy(() -> BoolExp.parse("a && b")).hasMessage(
                "expected a trigger name, '!' or '(' but found '&' at position 3");
        assertThatThrownBy(() -> BoolExp.parse("(".repeat(60) + "a" + ")".repeat(60)))
                .hasMessageContaining("nested deeper than 50 levels");
        assertThatThrownBy(() -> MonitorReader.boolExp(StringNode.valueOf("a | !a | b"), ab))
                .hasMessage("triggerParam.boolExp: the expression is always true whatever the triggers");
        assertThatThrownBy(() -> MonitorReader.boolExp(StringNode.valueOf("a & c"), ab))
                .hasMessageContaining("'c' at position 4 is not the name of a trigger");
        assertThatThrownBy(() -> MonitorReader.boolExp(StringNode.valueOf("a"), ab))
                .hasMessage("triggerParam.boolExp: trigger 'b' is declared but not used");
    }
}
