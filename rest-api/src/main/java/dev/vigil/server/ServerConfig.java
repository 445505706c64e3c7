package dev.vigil.server;

import dev.vigil.engine.api.AlertBudget;
import dev.vigil.kafka.KafkaConfig;
import dev.vigil.server.http.InputLimits;
import dev.vigil.server.webhook.Webhooks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * How a {@link VigilServer} runs.
 *
 * @param bind          the address to listen on; 127.0.0.1 unless told otherwise
 * @param port          the port; 0 picks a free one
 * @param dataDirectory where the H2 database and the generated admin token live
 * @param adminToken    the admin token, or null to use (or create) the one in the data directory
 * @param maxBodyBytes  the largest request body taken; larger ones get 413
 * @param clock         the wall clock
 * @param tick          how often idle sessions let time pass
 * @param journal       how long accepted events stay in the journal; zero keeps no journal
 * @param replayJobBytes a replay whose posted events are larger than this runs as a job
 * @param replayJobEvents a replay of more events than this (inline, or a journal range) runs as a job
 * @param webhooks      how webhook deliveries are made and retried
 * @param rules         what rule sets may do and hold
 * @param journalSync   answer accepted events only once they are journaled on disk (true), or
 *                      journal them in the background, faster, losing the last moments on a crash
 * @param input         how much one request may carry
 * @param access        the tokens file and TLS
 * @param kafka         the Kafka cluster rule sets may consume topics of and alerts go to, or null: none
 */
public record ServerConfig(String bind, int port, Path dataDirectory, String adminToken, long maxBodyBytes,
                           InstantSource clock, Duration tick, Duration journal, long replayJobBytes, long replayJobEvents,
                           Webhooks.Settings webhooks, RuleLimits rules, boolean journalSync, InputLimits input, Access access,
                           KafkaConfig kafka) {
    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(tick, "tick");
        Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(webhooks, "webhooks");
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(access, "access");
        if (journal.isNegative()) {
            throw new IllegalArgumentException("journal retention must not be negative, was " + journal);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        if (replayJobBytes < 0) {
            throw new IllegalArgumentException("replayJobBytes must not be negative, was " + replayJobBytes);
        }
        if (replayJobEvents < 0) {
            throw new IllegalArgumentException("replayJobEvents must not be negative, was " + replayJobEvents);
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
        }
    }

    /** 127.0.0.1:8080, data in {@code dataDirectory}, a 10 MB body limit, the system clock, a 7-day journal, replay jobs above 8 MB or 100,000 events. */
    public static ServerConfig defaults(Path dataDirectory) {
        return new ServerConfig("127.0.0.1", 8080, dataDirectory, null, 10L << 20, InstantSource.system(), Duration.ofMillis(100),
                Duration.ofDays(7), 8L << 20, 100_000, Webhooks.Settings.DEFAULTS, RuleLimits.DEFAULTS, true, InputLimits.DEFAULTS, Access.NONE, null);
    }

    public ServerConfig withPort(int value) {
        return new ServerConfig(bind, value, dataDirectory, adminToken, maxBodyBytes, clock, tick, journal, replayJobBytes, replayJobEvents, webhooks, rules, journalSync, input, access, kafka);
    }

    public ServerConfig withBind(String value) {
        return new ServerConfig(value, port, dataDirectory, adminToken, maxBodyBytes, clock, tick, journal, replayJobBytes, replayJobEvents, webhooks, rules, journalSync, input, access, kafka);
    }

    public ServerConfig withAdminToken(String value) {
        return new ServerConfig(bind, port, dataDirectory, value, maxBodyBytes, clock, tick, journal, replayJobBytes, replayJobEvents, webhooks, rules, journalSync, input, access, kafka);
    }

    public ServerConfig withMaxBodyBytes(long value) {
        return new ServerConfig(bind, port, dataDirectory, adminToken, value, clock, tick, journal, replayJobBytes, replayJobEvents, webhooks, rules, journalSync, input, access, kafka);
    }

    public ServerConfig withJournal(Duration value) {
        return new ServerConfig(bind, port, dataDirectory, adminToken, maxBodyBytes, clock, tick, value, replayJobBytes, replayJobEvents, webhooks, rules, journalSync, input, access, kafka);
    }

    public ServerConfig withWebhooks(Webhooks.Settings value) {
        return new ServerConfig(bind, port, dataDirectory, adminToken, maxBodyBytes, clock, tick, journal, replayJobBytes, replayJobEvents, value, rules, journalSync, input, access, kafka);
    }

    public ServerConfig withReplayJobBytes(long value) {
        return new ServerConfig(bind, port, dataDirectory, adminToken, maxBodyBytes, clock, tick, journal, value, replayJobEvents, webhooks, rules, journalSync, input, access, kafka);
    }

    public ServerConfig withReplayJobEvents(long value) {
        return new ServerConfig(bind, port, dataDirectory, adminToken, maxBodyBytes, clock, tick, journal, replayJobBytes, value, webhooks, rules, journalSync, input, access, kafka);
    }

    public ServerConfig withAllowUnsafeRules(boolean value) {
        return withRules(new RuleLimits(value, rules.ruleTimeout(), rules.maxFacts(), rules.alertBudget()));
    }

    public ServerConfig withRules(RuleLimits value) {
        return new ServerConfig(bind, port, dataDirectory, adminToken, maxBodyBytes, clock, tick, journal, replayJobBytes, replayJobEvents,
                webhooks, value, journalSync, input, access, kafka);
    }

    public ServerConfig withJournalSync(boolean value) {
        return new ServerConfig(bind, port, dataDirectory, adminToken, maxBodyBytes, clock, tick, journal, replayJobBytes, replayJobEvents,
                webhooks, rules, value, input, access, kafka);
    }

    public ServerConfig withInput(InputLimits value) {
        return new ServerConfig(bind, port, dataDirectory, adminToken, maxBodyBytes, clock, tick, journal, replayJobBytes, replayJobEvents,
                webhooks, rules, journalSync, value, access, kafka);
    }

    public ServerConfig withAccess(Access value) {
        return new ServerConfig(bind, port, dataDirectory, adminToken, maxBodyBytes, clock, tick, journal, replayJobBytes, replayJobEvents,
                webhooks, rules, journalSync, input, value, kafka);
    }

    public ServerConfig withKafka(KafkaConfig value) {
        return new ServerConfig(bind, port, dataDirectory, adminToken, maxBodyBytes, clock, tick, journal, replayJobBytes, replayJobEvents,
                webhooks, rules, journalSync, input, access, value);
    }

    /**
     * What deployed rule sets may do and hold.
     *
     * @param allowUnsafeRules take rules whose code exits, starts processes or threads, reflects, or
     *                         uses files or the network (refused by default)
     * @param ruleTimeout      how long a rule set may stay in one step before it is failed as looping
     * @param maxFacts         the most facts a rule set's working memory may hold before it is failed
     * @param alertBudget      the most alerts a rule set may raise for one event and within one second
     *                         before it is failed; a rule set's settings may lower it, never raise it
     */
    public record RuleLimits(boolean allowUnsafeRules, Duration ruleTimeout, long maxFacts, AlertBudget alertBudget) {
        public static final RuleLimits DEFAULTS = new RuleLimits(false, Duration.ofSeconds(10), 5_000_000, AlertBudget.DEFAULTS);

        public RuleLimits {
            Objects.requireNonNull(ruleTimeout, "ruleTimeout");
            Objects.requireNonNull(alertBudget, "alertBudget");
        }

        /** These limits with the default alert budget. */
        public RuleLimits(boolean allowUnsafeRules, Duration ruleTimeout, long maxFacts) {
            this(allowUnsafeRules, ruleTimeout, maxFacts, AlertBudget.DEFAULTS);
        }

        public RuleLimits withAlertBudget(AlertBudget value) {
            return new RuleLimits(allowUnsafeRules, ruleTimeout, maxFacts, value);
        }
    }

    /**
     * Who may call the server, how they reach it, and the key of the secrets it stores.
     *
     * @param tokensFile  a YAML file of named tokens and their scopes, read again when it changes; null for none
     * @param tlsCert     a PEM certificate chain to serve HTTPS with (with {@code tlsKey}); null serves plain HTTP
     * @param tlsKey      the PEM private key of {@code tlsCert}
     * @param reloadEvery how often the tokens file and the TLS files are checked for changes
     * @param secretKey   the key webhook secrets are stored encrypted with, 32 bytes in base64 ({@code VIGIL_SECRET_KEY});
     *                    null keeps one in the data folder, generated on the first start
     */
    public record Access(Path tokensFile, Path tlsCert, Path tlsKey, Duration reloadEvery, String secretKey) {
        public static final Access NONE = new Access(null, null, null, Duration.ofSeconds(2), null);

        public Access {
            Objects.requireNonNull(reloadEvery, "reloadEvery");
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("TLS needs both a certificate and its key (--tls-cert and --tls-key)");
            }
            if (reloadEvery.isNegative() || reloadEvery.isZero()) {
                throw new IllegalArgumentException("reloadEvery must be positive, was " + reloadEvery);
            }
        }

        public boolean tls() {
            return tlsCert != null;
        }

        public Access withTokensFile(Path value) {
            return new Access(value, tlsCert, tlsKey, reloadEvery, secretKey);
        }

        public Access withTls(Path cert, Path key) {
            return new Access(tokensFile, cert, key, reloadEvery, secretKey);
        }

        public Access withReloadEvery(Duration value) {
            return new Access(tokensFile, tlsCert, tlsKey, value, secretKey);
        }

        public Access withSecretKey(String value) {
            return new Access(tokensFile, tlsCert, tlsKey, reloadEvery, value);
        }

        @Override
        public String toString() {
            return "Access[tokensFile=" + tokensFile + ", tlsCert=" + tlsCert + ", tlsKey=" + tlsKey + ", reloadEvery=" + reloadEvery
                    + ", secretKey=" + (secretKey == null ? "none" : "(given)") + "]";
        }
    }
}
