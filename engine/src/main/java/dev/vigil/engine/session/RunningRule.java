package dev.vigil.engine.session;

import dev.vigil.engine.api.RuleInfo;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker that does not come back is doing, and the means to stop it.
 *
 * <p>The rule is read from the worker's stack rather than recorded at every firing, so that finding
 * it costs nothing until it is needed: Drools compiles each rule's consequence into a class named
 * after the rule ({@code Rule_<name>_<hash>...}) in the rule's package.
 */
final class RunningRule {
    private static final Logger LOG = LoggerFactory.getLogger(RunningRule.class);

    private RunningRule() {
    }

    /** The name of the rule of {@code rules} whose code {@code worker} runs, or null when no frame of one is on its stack. */
    static String of(Thread worker, List<RuleInfo> rules) {
        for (var frame : worker.getStackTrace()) {
            var className = frame.getClassName();
            int dot = className.lastIndexOf('.');
            var simple = (dot < 0 ? className : className.substring(dot + 1)).toLowerCase(Locale.ROOT);
            if (!simple.startsWith("rule_")) {
                continue;
            }
            String best = null;
            for (RuleInfo rule : rules) {
                var mangled = "rule_" + mangle(rule.name());
                if (simple.startsWith(mangled) && (best == null || rule.name().length() > best.length())) {
                    best = rule.name();
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    /** A rule name as Drools writes it into a class name: letters and digits kept, the rest as underscores. */
    private static String mangle(String name) {
        var out = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            out.append(Character.isLetterOrDigit(c) ? Character.toLowerCase(c) : '_');
        }
        return out.toString();
    }

    /**
     * Stops {@code worker} where it is. {@code Thread.stop} is the only way to end a thread that
     * loops without blocking; it is safe here because everything the thread touches (its session)
     * is thrown away. Where the JVM no longer offers it (Java 20 and later), the thread is left
     * running and said so: the rule set is failed all the same.
     */
    @SuppressWarnings({"deprecation", "removal"})
    static void stop(Thread worker) {
        try {
            worker.stop();
        } catch (UnsupportedOperationException e) {
            LOG.warn("the thread {} cannot be stopped on this JVM and keeps running; restart the server to take back its CPU",
                    worker.getName());
        }
    }
}
