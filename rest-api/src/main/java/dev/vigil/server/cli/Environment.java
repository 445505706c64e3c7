package dev.vigil.server.cli;

import java.lang.reflect.AnnotatedElement;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Option;

/**
 * The environment variables the command line reads ({@code VIGIL_PORT}, {@code VIGIL_ADMIN_TOKEN},
 * ...): the process's when {@code vigil} runs, a map of their own in tests, so that what a shell
 * exports never reaches a test.
 *
 * <p>As picocli's default value provider it resolves an option's {@code ${env:NAME:-default}} in
 * these variables rather than in {@link System#getenv}: the options keep that form in their
 * annotations, where {@code --help} shows it, and a variable that is not set gives the default after
 * {@code :-}, or no value when there is none.
 *
 * @param variables the variables by name
 */
record Environment(Map<String, String> variables) implements CommandLine.IDefaultValueProvider {
    /** An option's default value that is one variable, with or without a default of its own. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{env:(\\w+)(?::-(.*))?}", Pattern.DOTALL);

    Environment {
        variables = Map.copyOf(variables);
    }

    /** The environment of this process. */
    static Environment ofProcess() {
        return new Environment(System.getenv());
    }

    /** The value of the variable {@code name}, or null when it is not set. */
    String get(String name) {
        return variables.get(name);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg.userObject() instanceof AnnotatedElement element) || element.getAnnotation(Option.class) == null) {
            return null;
        }
        var m = VARIABLE.matcher(element.getAnnotation(Option.class).defaultValue());
        if (!m.matches()) {
            return null;
        }
        var value = variables.get(m.group(1));
        if (value != null) {
            return value;
        }
        return m.group(2) != null ? m.group(2) : Option.NULL_VALUE;
    }
}
