package dev.vigil.server.auth;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A YAML file of named tokens and their scopes, for operators who keep access in configuration
 * (a secret, a config map) rather than issue tokens through the API:
 *
 * <pre>
 * tokens:
 *   - name: payments-ingest
 *     sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08   # of the token: the file need not hold it
 *     scopes: [events:write]
 *   - name: analyst
 *     token: vgl_...                 # or the token itself
 *     scopes: [alerts:read, rules:read, rules:write]
 * </pre>
 *
 * A file is taken whole or not at all: any error (naming the entry and the field) refuses it.
 */
public final class TokensFile {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Set<String> FIELDS = Set.of("name", "token", "sha256", "scopes");
    private static final int SHORTEST_TOKEN = 16;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private TokensFile() {
    }

    /** One token of the file: its name, the SHA-256 (hex) of the token, and its scopes. */
    record Entry(String name, String hash, Set<Scope> scopes) {
    }

    /** The file's tokens by name, in file order; IllegalArgumentException naming the file, the entry and the problem. */
    static Map<String, Entry> read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--tokens-file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("--tokens-file " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return Map.of();
        }
        if (!root.isObject() || !root.path("tokens").isArray()) {
            throw new IllegalArgumentException(file + ": expected 'tokens:' with a list of {name, sha256 or token, scopes}");
        }
        var out = new LinkedHashMap<String, Entry>();
        var hashes = new HashSet<String>();
        var list = root.get("tokens");
        for (int i = 0; i < list.size(); i++) {
            var entry = entry(list.get(i), file + ": tokens[" + i + "]");
            if (out.containsKey(entry.name())) {
                throw new IllegalArgumentException(file + ": tokens[" + i + "]: the name '" + entry.name() + "' is used twice");
            }
            if (!hashes.add(entry.hash())) {
                throw new IllegalArgumentException(file + ": tokens[" + i + "] ('" + entry.name() + "'): the same token as an earlier entry");
            }
            out.put(entry.name(), entry);
        }
        return out;
    }

    private static Entry entry(JsonNode node, String at) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(at + ": expected {name, sha256 or token, scopes}");
        }
        node.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(at + ": unknown field '" + field + "'; the fields are name, sha256, token, scopes");
            }
        });
        var where = at;
        var name = node.path("name").asText("");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ".name: must be 1-128 letters, digits, '.', '_' or '-'");
        }
        where += " ('" + name + "')";
        if (name.equals("admin")) {
            throw new IllegalArgumentException(where + ".name: 'admin' is the admin token's");
        }
        boolean hasToken = node.hasNonNull("token");
        boolean hasHash = node.hasNonNull("sha256");
        if (hasToken == hasHash) {
            throw new IllegalArgumentException(where + ": give either sha256 (of the token, hex) or token, not " + (hasToken ? "both" : "neither"));
        }
        String hash;
        if (hasHash) {
            hash = node.get("sha256").asText();
            if (!SHA256.matcher(hash).matches()) {
                throw new IllegalArgumentException(where + ".sha256: expected 64 hex digits (printf %s TOKEN | sha256sum)");
            }
            hash = hash.toLowerCase(Locale.ROOT);
        } else {
            var token = node.get("token").asText();
            if (token.length() < SHORTEST_TOKEN || token.isBlank()) {
                throw new IllegalArgumentException(where + ".token: at least " + SHORTEST_TOKEN + " characters");
            }
            hash = Tokens.hash(token);
        }
        var scopes = node.path("scopes");
        if (!scopes.isArray() || scopes.isEmpty()) {
            throw new IllegalArgumentException(where + ".scopes: give at least one scope, such as [events:write]");
        }
        var labels = new ArrayList<String>();
        scopes.forEach(s -> labels.add(s.asText()));
        try {
            return new Entry(name, hash, Tokens.parse(labels));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".scopes: " + e.getMessage(), e);
        }
    }

    /** The entries as the {@link Tokens} map them: grants by the token's hash. */
    static Map<String, Tokens.Grant> byHash(Map<String, Entry> entries) {
        var out = new LinkedHashMap<String, Tokens.Grant>();
        entries.values().forEach(e -> out.put(e.hash(), new Tokens.Grant(e.name(), e.scopes())));
        return out;
    }
}
