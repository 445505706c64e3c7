package dev.vigil.engine.ruleset;

import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleInfo;
import dev.vigil.engine.api.RuleSetSource;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.kie.api.KieServices;
import org.kie.api.builder.ReleaseId;
import org.kie.api.runtime.KieContainer;

/**
 * A rule set that compiled: deployable, with what it declares and what the compiler warned about.
 *
 * <p>Holds a built Drools module in the shared KieRepository and a container over it; a deploy
 * either adopts the container (a new session) or moves a running one onto the module, and then
 * closes this. Close it when it is not deployed, so the module does not stay in memory.
 */
public final class CompiledRuleSet implements AutoCloseable {
    private final RuleSetSource source;
    private final ReleaseId releaseId;
    private final KieContainer container;
    private final List<EventType> eventTypes;
    private final Map<String, Map<String, String>> declaredFields;
    private final List<RuleInfo> rules;
    private final List<Diagnostic> warnings;
    private final Map<String, String> generated;
    private final Partitioning partitioning;
    private final Duration profileSpan;
    private final Supplier<CompiledRuleSet> again;
    private boolean adopted;
    private boolean moduleKept;
    private boolean closed;
    private final Deque<CompiledRuleSet> copies = new ArrayDeque<>();

    CompiledRuleSet(RuleSetSource source, ReleaseId releaseId, KieContainer container, List<EventType> eventTypes,
                    Map<String, Map<String, String>> declaredFields, List<RuleInfo> rules, List<Diagnostic> warnings,
                    Map<String, String> generated, Partitioning partitioning, Duration profileSpan, Supplier<CompiledRuleSet> again) {
        this.source = source;
        this.releaseId = releaseId;
        this.container = container;
        this.eventTypes = List.copyOf(eventTypes);
        this.declaredFields = Map.copyOf(declaredFields);
        this.rules = List.copyOf(rules);
        this.warnings = List.copyOf(warnings);
        this.generated = Map.copyOf(generated);
        this.partitioning = partitioning;
        this.profileSpan = profileSpan;
        this.again = again;
    }

    /** The DRL generated from each rule-language file ({@code *.rule.yaml}), by its path. */
    public Map<String, String> generated() {
        return generated;
    }

    public RuleSetSource source() {
        return source;
    }

    public String name() {
        return source.name();
    }

    /** The event types the rule set declares. */
    public List<EventType> eventTypes() {
        return eventTypes;
    }

    /** Every declared type (events and facts) by qualified name, with its fields' types by name. */
    public Map<String, Map<String, String>> declaredFields() {
        return declaredFields;
    }

    /** The rules with their alerting metadata. */
    public List<RuleInfo> rules() {
        return rules;
    }

    /**
     * The key and partition count it runs by: its settings' when they give a key; when they ask
     * for partitions without one, the key its rule-language rules' {@code per} give; else
     * {@link Partitioning#NONE}, one session. Every rule was checked to keep to the key, or the
     * settings accept those that do not (they are among the {@link #warnings()}).
     */
    /**
     * The same rule set compiled again into a module of its own: classes and rule network that no
     * other session shares, for a partition's session to run on a thread of its own (Drools keeps
     * the facts a temporal operator compares in the rule network, so sessions of one network must
     * not run at the same time).
     */
    public synchronized CompiledRuleSet another() {
        var copy = copies.poll();
        return copy != null ? copy : again.get();
    }

    /**
     * Compiles now the copies a partitioned rule set's sessions will take ({@link #another}), on the
     * caller's thread: a deploy then costs the rule set's worker no compile.
     */
    public synchronized void compileCopies() {
        while (copies.size() < partitioning.sessions() - 1) {
            copies.add(again.get());
        }
    }

    public Partitioning partitioning() {
        return partitioning;
    }

    /**
     * How far back in event time what the rules know reaches: the longest of its events' retention
     * and its profiles' spans; null when that has no bound (an event type kept without one, or a
     * profile whose span is computed). A restart or a takeover rebuilds from that far back.
     */
    public Duration history() {
        var events = eventHorizon();
        if (events == null || profileSpan == null) {
            return null;
        }
        return events.compareTo(profileSpan) > 0 ? events : profileSpan;
    }

    /** The longest any of the rule set's events stays in working memory; null when one may stay without bound. */
    public Duration eventHorizon() {
        Duration longest = Duration.ZERO;
        for (var type : eventTypes) {
            if (type.retention() == null) {
                return null;
            }
            longest = type.retention().compareTo(longest) > 0 ? type.retention() : longest;
        }
        return longest;
    }

    /** What compiled but deserves a look, such as event types whose events never expire. */
    public List<Diagnostic> warnings() {
        return warnings;
    }

    /** Engine side: the Drools module this was built into. */
    public ReleaseId releaseId() {
        return releaseId;
    }

    /** Engine side: takes the container for a new session; the caller disposes it and releases the module. */
    public KieContainer adoptContainer() {
        adopted = true;
        moduleKept = true;
        return container;
    }

    /** Engine side: keeps the module for a running container to move onto; the caller releases it. */
    public ReleaseId adoptModule() {
        moduleKept = true;
        return releaseId;
    }

    /** Engine side: the container, for reading metadata only. */
    public KieContainer container() {
        return container;
    }

    /** Disposes what was not adopted: the container, and the module unless a running container uses it. Closing again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        copies.forEach(CompiledRuleSet::close);
        copies.clear();
        if (!adopted) {
            container.dispose();
        }
        if (!moduleKept) {
            release(releaseId);
        }
    }

    /** Engine side: drops a built module from the shared repository once no container needs it. */
    public static void release(ReleaseId releaseId) {
        KieServices.get().getRepository().removeKieModule(releaseId);
    }
}
