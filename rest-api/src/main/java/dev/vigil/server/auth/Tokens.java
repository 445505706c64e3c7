package dev.vigil.server.auth;

import dev.vigil.server.store.DataFolder;
import dev.vigil.server.store.TokenStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The bearer tokens the server accepts and the scopes each grants.
 *
 * <p>The admin token holds every scope: the configured one, or one generated on first start and
 * kept in {@code <data>/admin-token}, readable only by its owner. With it, tokens of narrower
 * scope are issued ({@code POST /api/v1/tokens}); only their SHA-256 is stored, and they are held
 * in memory by hash so that checking a request costs no database read. Comparisons run in
 * constant time.
 */
public final class Tokens {
    /** The context attribute holding the scopes the request's token grants, once authorized. */
    public static final String GRANTED_SCOPES = "vigil.scopes";
    /** The context attribute holding the name of the request's token, once authorized. */
    public static final String ACTOR = "vigil.actor";

    private static final SecureRandom RANDOM = new SecureRandom();
    private volatile byte[] admin;
    /** Where the admin token is kept, or null when it was configured (and so cannot be rotated here). */
    private final Path adminFile;
    private final TokenStore store;
    /** Each issued token's name and scopes, by the token's hash. */
    private final Map<String, Grant> issued = new ConcurrentHashMap<>();
    /** The tokens file's, by the token's hash: replaced whole when the file changes. */
    private volatile Map<String, Grant> fromFile = Map.of();

    private Tokens(String admin, Path adminFile, TokenStore store) {
        this.admin = admin.getBytes(StandardCharsets.UTF_8);
        this.adminFile = adminFile;
        this.store = store;
        store.all().values().forEach(t -> issued.put(t.hash(), new Grant(t.name(), parse(t.scopes()))));
    }

    /** The admin token: {@code configured} when given, else the one stored in {@code dataDirectory}, created when missing. */
    public static Loaded load(String configured, Path dataDirectory, TokenStore store) {
        if (configured != null && !configured.isBlank()) {
            return new Loaded(new Tokens(configured.trim(), null, store), Optional.empty());
        }
        var file = dataDirectory.resolve("admin-token");
        try {
            if (Files.exists(file)) {
                return new Loaded(new Tokens(Files.readString(file, StandardCharsets.UTF_8).trim(), file, store), Optional.empty());
            }
            var token = newToken();
            DataFolder.createFolder(dataDirectory);
            DataFolder.writeOwnerOnly(file, token + "\n");
            return new Loaded(new Tokens(token, file, store), Optional.of(token));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the admin token in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The tokens and, when it was just generated, the admin token itself to print once.
     *
     * @param tokens    the tokens
     * @param generated the admin token made on this start, to show the operator once
     */
    public record Loaded(Tokens tokens, Optional<String> generated) {
    }

    /**
     * Replaces the admin token with a new one, kept in the data folder; the old one stops working at
     * once. Empty when the admin token was configured ({@code VIGIL_ADMIN_TOKEN}): change it there.
     */
    public synchronized Optional<String> rotateAdmin() {
        if (adminFile == null) {
            return Optional.empty();
        }
        var token = newToken();
        try {
            DataFolder.writeOwnerOnly(adminFile, token + "\n");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the new admin token to " + adminFile + ": " + e.getMessage(), e);
        }
        admin = token.getBytes(StandardCharsets.UTF_8);
        return Optional.of(token);
    }

    /** What a token is: its name and the scopes it grants. */
    public record Grant(String name, Set<Scope> scopes) {
        public Grant {
            scopes = Set.copyOf(scopes);
        }
    }

    private static final Grant ADMIN = new Grant("admin", EnumSet.allOf(Scope.class));

    /** The token {@code bearer}, looked up once (one hash); empty for an unknown one. */
    public Optional<Grant> grantOf(String bearer) {
        if (bearer == null) {
            return Optional.empty();
        }
        if (MessageDigest.isEqual(admin, bearer.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(ADMIN);
        }
        var hash = hash(bearer);
        var grant = issued.get(hash);
        return Optional.ofNullable(grant != null ? grant : fromFile.get(hash));
    }

    /**
     * Takes the tokens of {@code file} in place of those it held before; tokens it no longer holds
     * stop working at once. IllegalArgumentException naming the problem when the file is not valid,
     * and then the tokens in use stay.
     *
     * @return how many tokens the file holds
     */
    public synchronized int useFile(Path file) {
        var entries = TokensFile.read(file);
        var taken = issuedNames();
        for (var name : entries.keySet()) {
            if (taken.contains(name)) {
                throw new IllegalArgumentException(file + ": the name '" + name + "' is a token issued through the API; revoke it or rename this one");
            }
        }
        fromFile = Map.copyOf(TokensFile.byHash(entries));
        return entries.size();
    }

    /** Reads a tokens file without taking it: IllegalArgumentException naming the problem when it is not valid. */
    public static void check(Path file) {
        TokensFile.read(file);
    }

    /** Whether the token called {@code name} comes from the tokens file (and so cannot be revoked through the API). */
    public boolean isFromFile(String name) {
        return fromFile.values().stream().anyMatch(g -> g.name().equals(name));
    }

    /** Every token but the admin's, by name: its scopes and where it comes from ({@code api} or {@code file}). */
    public List<Listed> list() {
        var out = new ArrayList<Listed>();
        issued.values().forEach(g -> out.add(new Listed(g.name(), g.scopes(), "api")));
        fromFile.values().forEach(g -> out.add(new Listed(g.name(), g.scopes(), "file")));
        out.sort(Comparator.comparing(Listed::name));
        return out;
    }

    /** A token as listed: no secret, not even its hash. */
    public record Listed(String name, Set<Scope> scopes, String source) {
    }

    private Set<String> issuedNames() {
        return issued.values().stream().map(Grant::name).collect(Collectors.toSet());
    }

    /** Issues a token called {@code name} with {@code scopes}; returns it (shown once), or empty when the name is taken (here or in the tokens file). */
    public Optional<String> issue(String name, Set<Scope> scopes, Instant at) {
        if (scopes.contains(Scope.ADMIN)) {
            throw new IllegalArgumentException("the admin scope cannot be given to a token");
        }
        if (isFromFile(name)) {
            return Optional.empty();
        }
        var token = newToken();
        var hash = hash(token);
        if (!store.save(new TokenStore.Issued(name, hash, scopes.stream().map(Scope::label).sorted().collect(Collectors.joining(","))), at)) {
            return Optional.empty();
        }
        issued.put(hash, new Grant(name, scopes));
        return Optional.of(token);
    }

    /** Revokes the token called {@code name}; false when there was none. */
    public boolean revoke(String name) {
        var token = store.all().get(name);
        if (token == null || !store.delete(name)) {
            return false;
        }
        issued.remove(token.hash());
        return true;
    }

    /** The scopes named by {@code labels}; IllegalArgumentException naming the unknown one and the known ones. */
    public static Set<Scope> parse(List<String> labels) {
        var out = EnumSet.noneOf(Scope.class);
        for (var label : labels) {
            out.add(Arrays.stream(Scope.values()).filter(s -> s != Scope.ADMIN && s.label().equals(label)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("'" + label + "' is not a scope; the scopes are "
                            + Arrays.stream(Scope.values()).filter(s -> s != Scope.ADMIN).map(Scope::label).toList())));
        }
        return out;
    }

    private static Set<Scope> parse(String stored) {
        return stored.isEmpty() ? Set.of() : parse(List.of(stored.split(",")));
    }

    private static String newToken() {
        var bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "vgl_" + HexFormat.of().formatHex(bytes);
    }

    /** The SHA-256 of {@code token}, in lower-case hex: how tokens other than the admin's are kept. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }

    /** The tokens that come from the tokens file, with their scopes, by name. */
    public Map<String, Set<Scope>> fromFile() {
        var out = new TreeMap<String, Set<Scope>>();
        list().stream().filter(t -> t.source().equals("file")).forEach(t -> out.put(t.name(), t.scopes()));
        return out;
    }

    /** "added a; removed b; scopes changed c": what a reload of the tokens file did, for the audit log. */
    public static String changes(Map<String, Set<Scope>> before, Map<String, Set<Scope>> after) {
        var parts = new ArrayList<String>();
        var added = after.keySet().stream().filter(n -> !before.containsKey(n)).toList();
        var removed = before.keySet().stream().filter(n -> !after.containsKey(n)).toList();
        var changed = after.keySet().stream().filter(n -> before.containsKey(n) && !before.get(n).equals(after.get(n))).toList();
        if (!added.isEmpty()) {
            parts.add("added " + String.join(", ", added));
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + String.join(", ", removed));
        }
        if (!changed.isEmpty()) {
            parts.add("scopes changed " + String.join(", ", changed));
        }
        return parts.isEmpty() ? "no token changed" : String.join("; ", parts);
    }
}
