package org.odomo.spec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method that reads the published specification files. Where they are not
 * found it is skipped with a message that says where to get them, so that the test command passes
 * on a clone of the repository alone; with {@code -Dodomo.published-specs.required=true} (what CI
 * sets) a missing file fails the run instead.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PublishedSpecsCondition.class)
public @interface PublishedSpecs {
}
