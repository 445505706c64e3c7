package dev.vigil.server.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The bearer tokens the server accepts and the scopes each grants. For now one admin token holds
 * every scope: the configured one, or one generated on first start and kept in
 * {@code <data>/admin-token}, readable only by its owner.
 */
public final class Tokens {
    private final byte[] admin;

    private Tokens(String admin) {
        this.admin = admin.getBytes(StandardCharsets.UTF_8);
    }

    /** The admin token: {@code configured} when given, else the one stored in {@code dataDirectory}, created when missing. */
    public static Loaded load(String configured, Path dataDirectory) {
        if (configured != null && !configured.isBlank()) {
            return new Loaded(new Tokens(configured.trim()), Optional.empty());
        }
        var file = dataDirectory.resolve("admin-token");
        try {
            if (Files.exists(file)) {
                return new Loaded(new Tokens(Files.readString(file, StandardCharsets.UTF_8).trim()), Optional.empty());
            }
            var bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            var token = "vgl_" + HexFormat.of().formatHex(bytes);
            Files.createDirectories(dataDirectory);
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                file.toFile().setReadable(false, false);
                file.toFile().setReadable(true, true);
            }
            return new Loaded(new Tokens(token), Optional.of(token));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the admin token in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The admin tokens and, when it was just generated, the token itself to print once.
     *
     * @param tokens    the tokens
     * @param generated the token made on this start, to show the operator once
     */
    public record Loaded(Tokens tokens, Optional<String> generated) {
    }

    /** The scopes {@code bearer} grants: none for an unknown token. Compared in constant time. */
    public Set<Scope> scopesOf(String bearer) {
        if (bearer == null) {
            return Set.of();
        }
        return MessageDigest.isEqual(admin, bearer.getBytes(StandardCharsets.UTF_8)) ? Set.of(Scope.values()) : Set.of();
    }
}
