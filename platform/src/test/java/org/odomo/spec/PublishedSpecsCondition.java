package org.odomo.spec;

import java.util.Optional;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables a {@link PublishedSpecs} test only when the published files are where the setting says. */
final class PublishedSpecsCondition implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> missing = SharedSpecs.missing();
        if (missing.isEmpty()) {
            return ConditionEvaluationResult.enabled("published specification files found in " + SharedSpecs.dir());
        }
        String message = missing.get();
        if (Boolean.getBoolean(SharedSpecs.REQUIRED_PROPERTY)) {
            throw new IllegalStateException(message);
        }
        return ConditionEvaluationResult.disabled(message);
    }
}
