package dev.vigil.server.cli;

import dev.vigil.dsl.Durations;
import java.time.Duration;
import picocli.CommandLine;

/**
 * The {@code --rule-timeout} of {@code serve}, {@code replay} and {@code test}: how long a rule set's
 * session may stay in one step (a rule that does not return) before it is stopped.
 */
final class RuleTimeoutOption {
    static final String NAME = "--rule-timeout";
    static final Duration LEAST = Duration.ofSeconds(1);
    static final Duration MOST = Duration.ofHours(1);

    private RuleTimeoutOption() {
    }

    /** {@code text} as a duration from 1 s to 1 h; a usage error naming the option and the range otherwise. */
    static Duration parse(CommandLine command, String text) {
        Duration timeout;
        try {
            timeout = Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command, NAME + ": " + e.getMessage());
        }
        if (timeout.compareTo(LEAST) < 0 || timeout.compareTo(MOST) > 0) {
            throw new CommandLine.ParameterException(command, NAME + ": must be between 1s and 1h, was " + text);
        }
        return timeout;
    }
}
