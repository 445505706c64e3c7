package dev.vigil.engine.ruleset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.engine.api.RuleSetSource;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The validation of a rule set's name and file paths. */
class RuleSetSourceTest {
    private static final String DRL = "package pkg;\n";

    @ParameterizedTest
    @ValueSource(strings = {"fraud", "fraud-rules_v2.1", "0day"})
    void of_validName_isKept(String name) {
        assertThat(RuleSetSource.of(name, Map.of("r.drl", DRL)).name()).isEqualTo(name);
    }

    @Test
    void of_nameOf64Characters_isAccepted() {
        var name = "a".repeat(64);

        assertThat(RuleSetSource.of(name, Map.of("r.drl", DRL)).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-fraud", ".fraud", "fraud rules", "fraud/rules", "règles"})
    void of_badName_saysWhatANameIs(String name) {
        assertThatThrownBy(() -> RuleSetSource.of(name, Map.of("r.drl", DRL)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rule set name '" + name
                        + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    @Test
    void of_nameOf65Characters_isRefused() {
        var name = "a".repeat(65);

        assertThatThrownBy(() -> RuleSetSource.of(name, Map.of("r.drl", DRL)))
                .hasMessageStartingWith("rule set name '" + name + "' must be 1-64 letters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rules.drl", "fraud/velocity.drl", "a/b/c_d-1.drl", "fraud/velocity.rule.yaml"})
    void of_relativeDrlPath_isKept(String path) {
        assertThat(RuleSetSource.of("fraud", Map.of(path, DRL)).files()).containsOnlyKeys(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/rules.drl", "../rules.drl", "fraud/../rules.drl", "fraud\\rules.drl", "rules.txt",
            "rules", "fraud//rules.drl", "fraud/", "my rules.drl"})
    void of_badPath_saysWhatAPathIs(String path) {
        assertThatThrownBy(() -> RuleSetSource.of("fraud", Map.of(path, DRL)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("file '" + path + "' of rule set 'fraud': a path must be relative, use '/', end in .drl or .rule.yaml, and no name in it may start with '.' or '-'");
    }

    @Test
    void of_noFiles_isRefused() {
        assertThatThrownBy(() -> RuleSetSource.of("fraud", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rule set 'fraud' has no files");
    }

    @Test
    void of_fileWithoutText_isRefused() {
        var files = new HashMap<String, String>();
        files.put("rules.drl", null);

        assertThatThrownBy(() -> RuleSetSource.of("fraud", files))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("file 'rules.drl' has no text");
    }
}
