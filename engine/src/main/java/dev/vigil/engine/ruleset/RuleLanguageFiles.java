package dev.vigil.engine.ruleset;

import dev.vigil.dsl.DslDiagnostic;
import dev.vigil.dsl.EventTypeInfo;
import dev.vigil.dsl.Generated;
import dev.vigil.dsl.RuleDsl;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.drools.drl.ast.descr.AbstractClassTypeDeclarationDescr;
import org.drools.drl.ast.descr.TypeDeclarationDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;

/**
 * The rule language's files of a rule set, compiled to DRL against the event types its DRL files
 * declare. The declarations are read with Drools' parser alone, without building anything, so
 * the rule language's checks cost little before the one real build.
 */
final class RuleLanguageFiles {
    /** The suffix of a generated DRL resource: {@code velocity.rule.yaml} becomes {@code velocity.rule.yaml.drl}. */
    static final String GENERATED = ".drl";

    private RuleLanguageFiles() {
    }

    /** Each rule-language file of {@code files} by path, compiled; a profile's helper rules go to the first file that reads it. */
    static Map<String, Generated> compile(Map<String, String> files) {
        var ruleFiles = new TreeMap<String, String>();
        files.forEach((path, text) -> {
            if (RuleDsl.isRuleFile(path)) {
                ruleFiles.put(path, text);
            }
        });
        if (ruleFiles.isEmpty()) {
            return Map.of();
        }
        var drlRules = drlRules(files);
        var generated = new LinkedHashMap<String, Generated>();
        RuleDsl.compile(ruleFiles, eventTypes(files)).forEach((path, g) -> generated.put(path, clashes(g, drlRules)));
        return generated;
    }

    /**
     * A rule named like a DRL rule of the same package: said at the rule's own line, where Drools
     * would blame whichever of the two it read second.
     */
    private static Generated clashes(Generated generated, Map<String, String> drlRules) {
        if (!generated.ok()) {
            return generated;
        }
        var lines = generated.drl().split("\n", -1);
        var pkg = "";
        var problems = new ArrayList<DslDiagnostic>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("package ")) {
                pkg = lines[i].substring(8).replace(";", "").trim();
            }
            for (var name : generated.rules()) {
                if (lines[i].equals("rule " + quote(name))) {
                    var where = drlRules.get(pkg + "\u0000" + name);
                    if (where != null) {
                        problems.add(new DslDiagnostic(generated.file(), generated.sourceLine(i + 1), 0, "a rule named '" + name
                                + "' is already in " + where + " (package " + pkg + "): rule names must differ within a package"));
                    }
                }
            }
        }
        return problems.isEmpty() ? generated : Generated.failed(generated.file(), problems);
    }

    private static String quote(String name) {
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** "package NUL rule name" to "file, line n" for the rules of the DRL files. */
    private static Map<String, String> drlRules(Map<String, String> files) {
        var rules = new LinkedHashMap<String, String>();
        for (var entry : files.entrySet()) {
            if (!entry.getKey().endsWith(".drl")) {
                continue;
            }
            try {
                var pkg = new DrlParser().parse(false, entry.getValue());
                if (pkg != null) {
                    for (var rule : pkg.getRules()) {
                        rules.putIfAbsent((pkg.getNamespace() == null ? "" : pkg.getNamespace()) + "\u0000" + rule.getName(),
                                entry.getKey() + ", line " + rule.getLine());
                    }
                }
            } catch (DroolsParserException | RuntimeException e) {
                // Reported by the build.
            }
        }
        return rules;
    }

    /** The event types that the DRL files declare ({@code @role(event)}), with their fields, inherited ones included. */
    static List<EventTypeInfo> eventTypes(Map<String, String> files) {
        var declared = new LinkedHashMap<String, TypeDeclarationDescr>();
        for (var entry : files.entrySet()) {
            if (!entry.getKey().endsWith(".drl")) {
                continue;
            }
            try {
                var parser = new DrlParser();
                var pkg = parser.parse(false, entry.getValue());
                if (pkg == null) {
                    continue;
                }
                for (var td : pkg.getTypeDeclarations()) {
                    if (td.getNamespace() == null || td.getNamespace().isEmpty()) {
                        td.setNamespace(pkg.getNamespace() == null ? "" : pkg.getNamespace());
                    }
                    declared.putIfAbsent(td.getTypeName(), td);
                }
            } catch (DroolsParserException | RuntimeException e) {
                // The DRL file's own errors are reported by the build; its types are just not known here.
            }
        }
        var types = new ArrayList<EventTypeInfo>();
        for (var td : declared.values()) {
            if (!isEvent(td)) {
                continue;
            }
            var fields = new LinkedHashMap<String, String>();
            collectFields(td, declared, fields, 0);
            types.add(new EventTypeInfo(td.getTypeName(), td.getNamespace() == null ? "" : td.getNamespace(),
                    timestamp(td, declared, 0), fields));
        }
        return types;
    }

    /** Drools does not pass {@code @role(event)} down to a declared subtype, so neither does this. */
    private static boolean isEvent(TypeDeclarationDescr td) {
        var role = td.getAnnotation("role");
        return role != null && "event".equalsIgnoreCase(role.getSingleValueAsString());
    }

    private static String timestamp(TypeDeclarationDescr td, Map<String, TypeDeclarationDescr> declared, int depth) {
        var annotation = td.getAnnotation("timestamp");
        if (annotation != null) {
            return annotation.getSingleValueAsString();
        }
        var parent = parent(td, declared);
        return parent == null || depth > 10 ? "" : timestamp(parent, declared, depth + 1);
    }

    private static void collectFields(AbstractClassTypeDeclarationDescr td, Map<String, TypeDeclarationDescr> declared,
                                      Map<String, String> fields, int depth) {
        var parent = td instanceof TypeDeclarationDescr t ? parent(t, declared) : null;
        if (parent != null && depth < 10) {
            collectFields(parent, declared, fields, depth + 1);
        }
        td.getFields().values().stream()
                .sorted(Comparator.comparingInt(f -> f.getIndex()))
                .forEach(f -> fields.put(f.getFieldName(), f.getPattern().getObjectType()));
    }

    private static TypeDeclarationDescr parent(TypeDeclarationDescr td, Map<String, TypeDeclarationDescr> declared) {
        var superName = td.getSuperTypeName();
        return superName == null ? null : declared.get(superName);
    }
}
