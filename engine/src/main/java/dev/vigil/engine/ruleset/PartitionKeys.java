package dev.vigil.engine.ruleset;

import dev.vigil.dsl.Generated;
import dev.vigil.dsl.RuleKey;
import dev.vigil.engine.api.Diagnostic;
import dev.vigil.engine.api.Partitioning;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.event.DeclaredTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.TypeDeclaration;
import org.kie.api.KieBase;
import org.kie.api.definition.type.Role;

/**
 * The partition key of a compiled rule set, and what stops it: the key its settings give, or,
 * when they ask for partitions without one, the key its rule-language rules' {@code per} give;
 * checked against the types it declares, and each rule against the key ({@link PartitionKeyCheck}).
 */
final class PartitionKeys {
    /**
     * What a rule set runs by, and what was found.
     *
     * @param partitioning the resolved key and partition count; {@link Partitioning#NONE} when not partitioned
     * @param errors       why the rule set may not run so: no key to take, a key the types do not have, rules
     *                     that join across keys (unless accepted)
     * @param warnings     the rules that join across keys when the settings accept them
     */
    record Resolved(Partitioning partitioning, List<Diagnostic> errors, List<Diagnostic> warnings) {
    }

    /** A rule and where its author wrote it: a DRL rule has no key, a rule-language rule has the one of its per. */
    private record Site(RuleImpl rule, String file, int line, RuleKey key) {
        String where() {
            return file == null ? "" : " (" + file + (line > 0 ? ":" + line : "") + ")";
        }
    }

    private final RuleSetSource source;
    private final KieBase kieBase;
    private final Map<String, Generated> generated;
    private final List<Diagnostic> errors = new ArrayList<>();

    private PartitionKeys(RuleSetSource source, KieBase kieBase, Map<String, Generated> generated) {
        this.source = source;
        this.kieBase = kieBase;
        this.generated = generated;
    }

    /** The partitioning {@code kieBase}, built from {@code source} (whose rule-language files compiled to {@code generated}), runs by. */
    static Resolved resolve(RuleSetSource source, KieBase kieBase, Map<String, Generated> generated) {
        var keys = new PartitionKeys(source, kieBase, generated);
        var partitioning = keys.partitioning();
        if (!partitioning.isPartitioned()) {
            return new Resolved(partitioning, keys.errors, List.of());
        }
        var byClass = keys.keysByClass(partitioning);
        if (!keys.errors.isEmpty()) {
            return new Resolved(partitioning, keys.errors, List.of());
        }
        var joins = PartitionKeyCheck.check(kieBase, byClass).stream().map(f -> keys.joinAcrossKeys(f, partitioning)).distinct().toList();
        return partitioning.acceptCrossKeyJoins() ? new Resolved(partitioning, List.of(), joins) : new Resolved(partitioning, joins, List.of());
    }

    /** A rule that joins across keys, at its rule: an error, or a warning when the settings accept it. */
    private Diagnostic joinAcrossKeys(PartitionKeyCheck.Finding finding, Partitioning partitioning) {
        var site = site(finding.rule());
        var message = Objects.requireNonNullElse(perMismatch(site, partitioning), finding.message());
        return partitioning.acceptCrossKeyJoins()
                ? Diagnostic.warning(site.file(), site.line(), message + " (accepted, as acceptCrossKeyJoins is set: partitioned, this"
                        + " rule may give other alerts than on one session)")
                : Diagnostic.error(site.file(), site.line(), 0, message);
    }

    /** The settings' partitioning if they give a key; if they ask for partitions without one, the key of the rules' per. */
    private Partitioning partitioning() {
        var settings = source.settings().partitioning();
        if (settings.isPartitioned()) {
            return settings;
        }
        return settings.partitions() == 0 ? Partitioning.NONE : derived(settings);
    }

    /** The key every rule-language rule's per agrees on, for each type; errors for the rules that give none or disagree. */
    private Partitioning derived(Partitioning settings) {
        var byType = new LinkedHashMap<String, List<Site>>();
        for (var site : sites()) {
            if (site.key() == null) {
                errors.add(Diagnostic.error(site.file(), site.line(), 0, ruleName(site) + ": partitions is " + settings.partitions()
                        + " but partitionBy is not given, and a DRL rule gives no key to take it from (a rule-language rule gives the"
                        + " fields of its per:): give partitionBy in the rule set's settings, as {\"Transaction\": \"cardId\"}"));
            } else if (site.key().isUnkeyed()) {
                errors.add(Diagnostic.error(site.file(), site.line(), 0, ruleName(site) + ": partitions is " + settings.partitions()
                        + " but partitionBy is not given, and this rule has no per: to take the key from: add per: with the field"
                        + " its events are keyed by, or give partitionBy in the rule set's settings"));
            } else {
                site.key().eventTypes().forEach(type -> byType.computeIfAbsent(type, t -> new ArrayList<>()).add(site));
            }
        }
        var derived = new TreeMap<String, String>();
        byType.forEach((type, sites) -> {
            var field = commonField(type, sites);
            if (field != null) {
                derived.put(type, field);
            }
        });
        if (errors.isEmpty() && derived.isEmpty()) {
            errors.add(Diagnostic.error(null, 0, 0, "partitions is " + settings.partitions() + " but partitionBy is not given, and the"
                    + " rule set has no rules whose per: would give it: give partitionBy in the rule set's settings"));
        }
        return errors.isEmpty() ? new Partitioning(derived, null, settings.partitions(), settings.acceptCrossKeyJoins()) : Partitioning.NONE;
    }

    /**
     * The field of {@code type} that every rule on it groups by: the first of the first rule's per that the
     * others have too; null, with an error at the first rule that has none of them.
     */
    private String commonField(String type, List<Site> sites) {
        var common = new LinkedHashSet<>(sites.get(0).key().per());
        for (var site : sites) {
            common.retainAll(site.key().per());
            if (common.isEmpty()) {
                var other = sites.stream().filter(s -> s.key().per().stream().noneMatch(site.key().per()::contains)).findFirst()
                        .orElse(sites.get(0));
                errors.add(Diagnostic.error(site.file(), site.line(), 0, ruleName(site) + " groups " + type + " by per: "
                        + String.join(", ", site.key().per()) + ", but " + ruleName(other) + other.where() + " groups it by per: "
                        + String.join(", ", other.key().per()) + ": no one field keys " + type + " in both, so the partition key"
                        + " cannot be taken from the rules. Give partitionBy in the rule set's settings, as {\"" + type + "\": \""
                        + other.key().per().get(0) + "\"}; the rules that do not group by it are then refused, or accepted with"
                        + " acceptCrossKeyJoins"));
                return null;
            }
        }
        return common.iterator().next();
    }

    /** The key field of each declared class that has one; an error for each key a type does not have. */
    private Map<Class<?>, String> keysByClass(Partitioning partitioning) {
        var declared = new LinkedHashMap<String, List<TypeDeclaration>>();
        for (var td : DeclaredTypes.declarations(kieBase)) {
            declared.computeIfAbsent(td.getTypeClass().getSimpleName(), k -> new ArrayList<>()).add(td);
        }
        for (var type : partitioning.byType().keySet()) {
            if (!declared.containsKey(type)) {
                errors.add(Diagnostic.error(null, 0, 0, "partitionBy names " + type + ", which the rule set does not declare (it declares "
                        + String.join(", ", declared.keySet()) + ")"));
            }
        }
        var keys = new HashMap<Class<?>, String>();
        declared.values().stream().flatMap(List::stream).forEach(td -> {
            var key = keyOf(td, partitioning);
            if (key != null) {
                keys.put(td.getTypeClass(), key);
            }
        });
        return keys;
    }

    /**
     * The key field of a declared type: the one partitionBy names for it, or else the one for all
     * types, which every event type must have and a fact type has when it has such a field. Null
     * for none, with an error when the type does not have the field it is given.
     */
    private String keyOf(TypeDeclaration td, Partitioning partitioning) {
        var name = td.getTypeClass().getSimpleName();
        var fields = DeclaredTypes.factType(kieBase, td).getFields().stream().map(f -> f.getName()).toList();
        var named = partitioning.byType().get(name);
        var field = named != null ? named : partitioning.allTypes();
        if (field == null || fields.contains(field)) {
            return field;
        }
        if (named != null) {
            errors.add(Diagnostic.error(null, 0, 0, "partitionBy." + name + " is " + field + ", but " + name + " has no field " + field
                    + " (its fields: " + String.join(", ", fields) + ")"));
        } else if (td.getRole() == Role.Type.EVENT) {
            errors.add(Diagnostic.error(null, 0, 0, "partitionBy is " + field + ", but event type " + name + " has no field " + field
                    + " (its fields: " + String.join(", ", fields) + "): give partitionBy per type, as {\"" + name + "\": \"...\"}"));
        }
        return null;
    }

    /**
     * For a rule-language rule that groups a type by fields other than its partition key, the
     * message in the rule language's words; null for any other finding.
     */
    private String perMismatch(Site site, Partitioning partitioning) {
        if (site.key() == null || site.key().isUnkeyed()) {
            return null;
        }
        var off = new ArrayList<String>();
        for (var type : site.key().eventTypes()) {
            partitioning.keyOf(type).filter(key -> !site.key().per().contains(key))
                    .ifPresent(key -> off.add(type + " is partitioned by " + key));
        }
        return off.isEmpty() ? null : ruleName(site) + " groups its events by per: " + String.join(", ", site.key().per()) + ", but "
                + String.join(" and ", off) + ", so the events of one key can be in different partitions. Add the partition key to"
                + " per:, partition by a field of per:, or, if different alerts across partitions are accepted, set"
                + " acceptCrossKeyJoins in the rule set's settings";
    }

    /** Every rule of the rule set with where it was written, in file and line order. */
    private List<Site> sites() {
        var out = new ArrayList<Site>();
        for (var pkg : kieBase.getKiePackages()) {
            for (var rule : pkg.getRules()) {
                var impl = (RuleImpl) rule;
                if (!impl.isQuery()) {
                    out.add(site(impl));
                }
            }
        }
        out.sort(Comparator.comparing((Site s) -> s.file() == null ? "" : s.file()).thenComparingInt(Site::line));
        return out;
    }

    /** Where {@code rule} was written: its rule-language file and the line of its rule, or its DRL file and line. */
    private Site site(RuleImpl rule) {
        var resource = rule.getResource() == null ? null : rule.getResource().getSourcePath();
        if (resource != null && resource.endsWith(RuleLanguageFiles.GENERATED)) {
            var file = resource.substring(0, resource.length() - RuleLanguageFiles.GENERATED.length());
            var g = generated.get(file);
            var key = g == null ? null : g.keys().stream().filter(k -> k.rule().equals(rule.getName())).findFirst().orElse(null);
            if (key != null) {
                return new Site(rule, file, key.line(), key);
            }
        }
        var text = resource == null ? null : source.files().get(resource);
        if (text == null) {
            return new Site(rule, null, 0, null);
        }
        var m = Pattern.compile("(?m)^\\s*rule\\s+(\"" + Pattern.quote(rule.getName()) + "\"|" + Pattern.quote(rule.getName()) + "\\b)")
                .matcher(text);
        return new Site(rule, resource, m.find() ? RuleSetCompiler.lineOf(text, m.start(1)) : 0, null);
    }

    private static String ruleName(Site site) {
        return "rule \"" + site.rule().getName() + "\"";
    }
}
