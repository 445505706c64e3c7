package dev.vigil.engine.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A rule of a compiled rule set and the alerting metadata read from its annotations.
 *
 * @param packageName the DRL package the rule is in
 * @param name        the rule's name
 * @param severity    {@code @severity}, {@link Severity#MEDIUM} when absent
 * @param suppress    {@code @suppress}: at most one alert per key within this much event time; zero for none
 */
public record RuleInfo(String packageName, String name, Severity severity, Duration suppress) {
    public RuleInfo {
        Objects.requireNonNull(packageName, "packageName");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(suppress, "suppress");
    }

    /** The name that is unique within the rule set. */
    public String qualifiedName() {
        return packageName + "." + name;
    }
}
