package io.chatopshub.system;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Spring's YAML loader, except that a file it cannot read (a tab used for indentation, most
 * often) fails naming the file and line. SnakeYAML's own error names neither the file nor, for
 * most people, the problem, and comes with some sixty frames of stack trace.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class YamlConfigurationLoader implements PropertySourceLoader {

    private final YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();

    @Override
    public String[] getFileExtensions() {
        return yaml.getFileExtensions();
    }

    @Override
    public List<PropertySource<?>> load(String name, Resource resource) throws IOException {
        try {
            return yaml.load(name, resource);
        } catch (MarkedYAMLException e) {
            throw new InvalidConfigurationException(describe(resource) + where(e) + ": " + problem(e));
        }
    }

    private static String where(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        return mark == null ? "" : " line " + (mark.getLine() + 1) + " column " + (mark.getColumn() + 1);
    }

    private static String problem(MarkedYAMLException e) {
        String problem = String.valueOf(e.getProblem());
        if (problem.contains("\\t") || problem.contains("\t") || problem.toLowerCase(java.util.Locale.ROOT).contains("tab")) {
            return "a tab character indents this line; expected spaces (YAML does not allow tabs for indentation)";
        }
        return problem + "; expected valid YAML";
    }

    private static String describe(Resource resource) {
        try {
            if (resource.isFile()) {
                Path path = resource.getFile().toPath().toAbsolutePath().normalize();
                Path cwd = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
                return path.startsWith(cwd) ? cwd.relativize(path).toString() : path.toString();
            }
        } catch (IOException e) {
            // fall back to the description
        }
        return resource.getDescription();
    }
}
