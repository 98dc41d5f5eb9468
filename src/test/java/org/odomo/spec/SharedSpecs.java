package org.odomo.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads the published specification files beside the project ({@code ../shared/spec/stellantis})
 * leniently: TABs become spaces, and the YAML 1.1 words yes/no/on/off stay strings (the files use
 * {@code No} as an enum value), while {@code true}/{@code false} are still booleans.
 */
public final class SharedSpecs {

    private SharedSpecs() {
    }

    public static Path dir() {
        for (Path candidate : List.of(Path.of("..", "shared", "spec", "stellantis"),
                Path.of("..", "..", "shared", "spec", "stellantis"))) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("the published specs are expected in ../shared/spec/stellantis");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> load(String file) {
        try {
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
