package org.odomo.monitor;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@code boolExp} of a monitor: trigger names combined with {@code !}, {@code &}, {@code |}
 * and parentheses, {@code !} binding tighter than {@code &}, which binds tighter than {@code |}.
 * Parsed by recursive descent: the grammar is five lines, a parser library would be heavier than
 * the parser.
 */
sealed interface BoolExp {

    /** Longest accepted expression: five names and their operators fit many times over. */
    int MAX_LENGTH = 1000;
    /** Deepest nesting accepted, so that a hostile expression cannot exhaust the stack. */
    int MAX_DEPTH = 50;

    boolean evaluate(Predicate<String> valueOf);

    record Name(String name) implements BoolExp {
        @Override
        public boolean evaluate(Predicate<String> valueOf) {
            return valueOf.test(name);
        }
    }

    record Not(BoolExp operand) implements BoolExp {
        @Override
        public boolean evaluate(Predicate<String> valueOf) {
            return !operand.evaluate(valueOf);
        }
    }

    record And(BoolExp left, BoolExp right) implements BoolExp {
        @Override
        public boolean evaluate(Predicate<String> valueOf) {
            return left.evaluate(valueOf) && right.evaluate(valueOf);
        }
    }

    record Or(BoolExp left, BoolExp right) implements BoolExp {
        @Override
        public boolean evaluate(Predicate<String> valueOf) {
            return left.evaluate(valueOf) || right.evaluate(valueOf);
        }
    }

    /** A malformed expression; {@code position} is the 0-based character offset of the problem. */
    final class SyntaxError extends RuntimeException {
        private final int position;

        SyntaxError(int position, String message) {
            super(message + " at position " + position);
            this.position = position;
        }

        int position() {
            return position;
        }
    }

    /** The names the expression uses, in order of first appearance. */
    default Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        collect(this, names);
        return names;
    }

    private static void collect(BoolExp e, Set<String> into) {
        if (e instanceof Name n) {
            into.add(n.name());
        } else if (e instanceof Not n) {
            collect(n.operand(), into);
        } else if (e instanceof And a) {
            collect(a.left(), into);
            collect(a.right(), into);
        } else if (e instanceof Or o) {
            collect(o.left(), into);
            collect(o.right(), into);
        }
    }

    /**
     * Whether the expression takes both values over the assignments of {@code names} (each false
     * or true): with at most five names, trying all 32 is exact and cheap.
     */
    static boolean isContingent(BoolExp e, List<String> names) {
        if (names.size() > 20) {
            throw new IllegalArgumentException("too many names to enumerate");
        }
        boolean seenTrue = false;
        boolean seenFalse = false;
        for (int mask = 0; mask < (1 << names.size()); mask++) {
            int m = mask;
            boolean value = e.evaluate(name -> (m & (1 << names.indexOf(name))) != 0);
            seenTrue |= value;
            seenFalse |= !value;
            if (seenTrue && seenFalse) {
                return true;
            }
        }
        return false;
    }

    static BoolExp parse(String text) {
        if (text.length() > MAX_LENGTH) {
            throw new SyntaxError(MAX_LENGTH, "longer than " + MAX_LENGTH + " characters");
        }
        Parser p = new Parser(text);
        BoolExp e = p.or(0);
        p.skipSpaces();
        if (p.at < text.length()) {
            throw new SyntaxError(p.at, text.charAt(p.at) == ')' ? "unbalanced ')'"
                    : "expected '&', '|' or the end, found '" + text.charAt(p.at) + "'");
        }
        return e;
    }

    /** exp := and ('|' and)*; and := unary ('&' unary)*; unary := '!' unary | '(' exp ')' | name. */
    final class Parser {
        private final String text;
        private int at;

        private Parser(String text) {
            this.text = text;
        }

        private BoolExp or(int depth) {
            BoolExp left = and(depth);
            while (accept('|')) {
                left = new Or(left, and(depth));
            }
            return left;
        }

        private BoolExp and(int depth) {
            BoolExp left = unary(depth);
            while (accept('&')) {
                left = new And(left, unary(depth));
            }
            return left;
        }

        private BoolExp unary(int depth) {
            if (depth > MAX_DEPTH) {
                throw new SyntaxError(at, "nested deeper than " + MAX_DEPTH + " levels");
            }
            skipSpaces();
            if (at >= text.length()) {
                throw new SyntaxError(at, "expected a trigger name, '!' or '(' but the expression ended");
            }
            char c = text.charAt(at);
            if (c == '!') {
                at++;
                return new Not(unary(depth + 1));
            }
            if (c == '(') {
                int open = at++;
                BoolExp inner = or(depth + 1);
                skipSpaces();
                if (at >= text.length() || text.charAt(at) != ')') {
                    throw new SyntaxError(at, "'(' at position " + open + " is not closed");
                }
                at++;
                return inner;
            }
            int start = at;
            while (at < text.length() && isNameChar(text.charAt(at))) {
                at++;
            }
            if (start == at) {
                throw new SyntaxError(at, "expected a trigger name, '!' or '(' but found '" + c + "'");
            }
            return new Name(text.substring(start, at));
        }

        private boolean accept(char c) {
            skipSpaces();
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        private void skipSpaces() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        /** The characters the published name pattern uses: letters, digits, '.', '-' and '_'. */
        static boolean isNameChar(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                    || c == '-';
        }
    }
}
