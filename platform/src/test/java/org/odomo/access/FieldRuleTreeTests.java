package org.odomo.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/**
 * The rule tree answers exactly as the table's definition: the longest rule path covering a path,
 * a container covering only its own path.
 */
class FieldRuleTreeTests {

    @Test
    void treeAgreesWithTheDefinitionOnEveryPathAroundTheRules() {
        Set<String> resources = new LinkedHashSet<>();
        Set<String> paths = new LinkedHashSet<>();
        for (FieldRule rule : FieldRules.all()) {
            resources.add(rule.resource());
            String p = rule.path();
            for (int i = 1; i <= p.length(); i++) {
                if (i == p.length() || p.charAt(i) == '.' || p.charAt(i) == '[') {
                    paths.add(p.substring(0, i));
                }
            }
            paths.add(p + ".unknown");
            paths.add(p + "[]");
            paths.add(p + "[].x");
            paths.add(p + "x");
        }
        paths.addAll(List.of("_links", "_links.self.href", "id", "nothing.at.all", "createdAt"));
        int checked = 0;
        for (String resource : resources) {
            for (String path : paths) {
                assertThat(FieldRules.governing(resource, path).orElse(null)).as("%s %s", resource, path)
                        .isEqualTo(definitionGoverning(resource, path));
                assertThat(FieldRules.containsRules(resource, path)).as("%s %s", resource, path)
                        .isEqualTo(definitionContains(resource, path));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    private static FieldRule definitionGoverning(String resource, String path) {
        FieldRule best = null;
        for (FieldRule r : FieldRules.all()) {
            boolean below = path.startsWith(r.path() + ".") || path.startsWith(r.path() + "[");
            if (r.resource().equals(resource)
                    && (path.equals(r.path()) || below && r.kind() != FieldRule.Kind.CONTAINER)
                    && (best == null || r.path().length() > best.path().length())) {
                best = r;
            }
        }
        return best;
    }

    private static boolean definitionContains(String resource, String path) {
        return FieldRules.all().stream().anyMatch(r -> r.resource().equals(resource)
                && (r.path().startsWith(path + ".") || r.path().startsWith(path + "[")));
    }
}
