package org.odomo.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads the published specification files (by default beside the project, in
 * {@code ../shared/spec/stellantis}; see {@link #dir()}) leniently: TABs become spaces, and the
 * YAML 1.1 words yes/no/on/off stay strings (the files use {@code No} as an enum value), while
 * {@code true}/{@code false} are still booleans.
 */
public final class SharedSpecs {

    private SharedSpecs() {
    }

    /** The setting (system property) that says where the published files are. */
    public static final String LOCATION_PROPERTY = "odomo.published-specs";
    /** Set to true where the published files must be present (CI): their absence fails the run. */
    public static final String REQUIRED_PROPERTY = "odomo.published-specs.required";
    private static final String DEFAULT_LOCATION = "../shared/spec/stellantis";
    private static final List<String> FILES = List.of("api-b2c.yaml", "api-b2b.yaml", "api-b2c-webhook-template.yaml",
            "api-b2b-webhook-template-v3.yaml", "data-catalog.yaml");

    /** Where the published files are expected: {@value #LOCATION_PROPERTY}, else {@value #DEFAULT_LOCATION}. */
    public static Path dir() {
        String configured = System.getProperty(LOCATION_PROPERTY);
        return Path.of(configured == null || configured.isBlank() ? DEFAULT_LOCATION : configured);
    }

    /** Why the published files cannot be read, or empty when they all are where {@link #dir()} says. */
    public static Optional<String> missing() {
        Path dir = dir();
        List<String> absent = FILES.stream().filter(f -> !Files.isRegularFile(dir.resolve(f))).toList();
        if (absent.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the published specification files " + absent + " are not in " + dir.toAbsolutePath().normalize()
                + ". They are the OpenAPI files and data catalog of the public documentation repository"
                + " Stellantis/stellantis.github.io on GitHub; put them there, or point the setting at them with"
                + " ./mvnw test -D" + LOCATION_PROPERTY + "=/path/to/the/files.");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(String file) {
        try {
            missing().ifPresent(reason -> {
                throw new IllegalStateException(reason);
            });
            String text = Files.readString(dir().resolve(file)).replace("\t", "  ");
            Resolver resolver = new Resolver() {
                @Override
                protected void addImplicitResolvers() {
                    addImplicitResolver(Tag.BOOL, java.util.regex.Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"),
                            "tTfF");
                    addImplicitResolver(Tag.INT, java.util.regex.Pattern.compile("^[-+]?(?:0|[1-9][0-9]*)$"),
                            "-+0123456789");
                    addImplicitResolver(Tag.FLOAT,
                            java.util.regex.Pattern.compile("^[-+]?(?:[0-9]*\\.[0-9]+(?:[eE][-+]?[0-9]+)?)$"),
                            "-+0123456789.");
                    addImplicitResolver(Tag.NULL, java.util.regex.Pattern.compile("^(?:~|null|Null|NULL| )$"), "~nN\0");
                    addImplicitResolver(Tag.NULL, java.util.regex.Pattern.compile("^$"), null);
                }
            };
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(50 * 1024 * 1024);
            Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new org.yaml.snakeyaml.DumperOptions()),
                    new org.yaml.snakeyaml.DumperOptions(), options, resolver);
            return (Map<String, Object>) yaml.load(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
