package dev.vigil.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokensFileTest {
    private static final String TOKEN = "a-token-of-enough-length";
    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        var file = dir.resolve("tokens.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void read_takesHashesAndTokens_hashingTheTokens() throws Exception {
        var entries = TokensFile.read(file("""
                tokens:
                  - {name: a, sha256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08, scopes: [events:write]}
                  - {name: b, token: %s, scopes: [alerts:read, rules:write]}
                """.formatted(TOKEN)));

        assertThat(entries.get("a").hash()).isEqualTo("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        assertThat(entries.get("a").scopes()).containsExactly(Scope.EVENTS_WRITE);
        assertThat(entries.get("b").hash()).isEqualTo(Tokens.hash(TOKEN));
        assertThat(entries.get("b").scopes()).isEqualTo(Set.of(Scope.ALERTS_READ, Scope.RULES_WRITE));
    }

    @Test
    void read_ofAnEmptyFile_isNoTokens() throws Exception {
        assertThat(TokensFile.read(file(""))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "tokens: [{name: a, token: " + TOKEN + ", scopes: [alerts:read]]     | not YAML",
            "- {name: a}                                                          | expected 'tokens:'",
            "tokens: [{name: a, token: " + TOKEN + ", scopes: [alerts:read], role: x}] | tokens[0]: unknown field 'role'",
            "tokens: [{name: 'a b', token: " + TOKEN + ", scopes: [alerts:read]}] | tokens[0].name: must be",
            "tokens: [{name: admin, token: " + TOKEN + ", scopes: [alerts:read]}] | tokens[0] ('admin').name: 'admin' is the admin token's",
            "tokens: [{name: a, scopes: [alerts:read]}]                          | tokens[0] ('a'): give either sha256 (of the token, hex) or token, not neither",
            "tokens: [{name: a, token: " + TOKEN + ", sha256: ab, scopes: [alerts:read]}] | not both",
            "tokens: [{name: a, token: short, scopes: [alerts:read]}]            | tokens[0] ('a').token: at least 16 characters",
            "tokens: [{name: a, sha256: xyz, scopes: [alerts:read]}]             | tokens[0] ('a').sha256: expected 64 hex digits",
            "tokens: [{name: a, token: " + TOKEN + ", scopes: []}]                | tokens[0] ('a').scopes: give at least one scope",
            "tokens: [{name: a, token: " + TOKEN + ", scopes: [alert:read]}]      | tokens[0] ('a').scopes: 'alert:read' is not a scope",
            "tokens: [{name: a, token: " + TOKEN + ", scopes: [admin]}]           | 'admin' is not a scope",
            "tokens: [{name: a, token: " + TOKEN + ", scopes: [alerts:read]}, {name: a, token: other-token-of-length, scopes: [alerts:read]}] | tokens[1]: the name 'a' is used twice",
            "tokens: [{name: a, token: " + TOKEN + ", scopes: [alerts:read]}, {name: b, token: " + TOKEN + ", scopes: [alerts:read]}] | tokens[1] ('b'): the same token as an earlier entry",
    })
    void read_refusesABrokenFile_namingTheEntryAndTheField(String yaml, String message) throws Exception {
        var file = file(yaml);

        assertThatThrownBy(() -> TokensFile.read(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file.toString()).hasMessageContaining(message.trim());
    }
}
