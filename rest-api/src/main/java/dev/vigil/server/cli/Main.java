package dev.vigil.server.cli;

import dev.vigil.dsl.Durations;
import dev.vigil.engine.api.AlertBudget;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.ReplayOrder;
import dev.vigil.kafka.KafkaConfig;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import dev.vigil.server.http.InputLimits;
import dev.vigil.server.http.RequestRate;
import dev.vigil.server.rules.RulesDirectory;
import dev.vigil.server.store.SecretCipher;
import dev.vigil.server.webhook.AddressPolicy;
import dev.vigil.server.webhook.Webhooks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The {@code vigil} command line. */
@Command(name = "vigil", mixinStandardHelpOptions = true, subcommands = {Main.Serve.class, ReplayCommand.class, TestCommand.class, ValidateCommand.class, DslCommand.class},
        description = "A complex-event-processing rule engine on Drools Fusion.")
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // A file or setting the operator gave that does not work says so in one line; anything else keeps its stack trace.
        System.exit(commandLine(Environment.ofProcess()).setExecutionExceptionHandler((e, command, parsed) -> {
            if (!(e instanceof IllegalArgumentException || e instanceof IllegalStateException)) {
                throw e;
            }
            command.getErr().println("vigil: " + e.getMessage());
            return 1;
        }).execute(args));
    }

    /**
     * The command line, its options' defaults and the variables {@code serve} reads taken from
     * {@code environment}: the process's when {@code vigil} runs, one of their own in tests.
     */
    static CommandLine commandLine(Environment environment) {
        var factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                return type == Serve.class ? type.cast(new Serve(environment)) : CommandLine.defaultFactory().create(type);
            }
        };
        return new CommandLine(new Main(), factory).setDefaultValueProvider(environment);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code vigil serve}: the server, with the rule sets of a folder deployed and watched. */
    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Run the server: an embedded H2 database in the data folder, the rule sets of the rules folder deployed.")
    public static final class Serve implements Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger("vigil");

        private final Environment environment;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--port", defaultValue = "${env:VIGIL_PORT:-8080}",
                description = "port to listen on; 0 picks a free one (env VIGIL_PORT; default ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--bind", defaultValue = "${env:VIGIL_BIND:-127.0.0.1}",
                description = "address to listen on (env VIGIL_BIND; default ${DEFAULT-VALUE})")
        String bind;

        @Option(names = "--data", defaultValue = "${env:VIGIL_DATA:-data}",
                description = "folder of the database, the admin token and the key webhook secrets are encrypted with, readable"
                        + " only by its owner; env VIGIL_SECRET_KEY gives the key instead, in base64 (env VIGIL_DATA; default ${DEFAULT-VALUE})")
        Path data;

        @Option(names = "--rules", defaultValue = "${env:VIGIL_RULES:-rules}",
                description = "folder of rule sets, one sub-folder each, deployed and watched; 'none' for no folder "
                        + "(env VIGIL_RULES; default ${DEFAULT-VALUE})")
        String rules;

        @Option(names = "--rules-writable", defaultValue = "${env:VIGIL_RULES_WRITABLE:-false}",
                description = "let the API deploy and roll back the rule sets of the rules folder, writing their files back to it; "
                        + "without it they are changed only by editing their files (env VIGIL_RULES_WRITABLE; default ${DEFAULT-VALUE})")
        boolean rulesWritable;

        @Option(names = "--journal", negatable = true, defaultValue = "${env:VIGIL_JOURNAL:-true}", fallbackValue = "true",
                description = "keep a journal of accepted events in the database (env VIGIL_JOURNAL; default ${DEFAULT-VALUE})")
        boolean journal;

        @Option(names = "--journal-sync", defaultValue = "${env:VIGIL_JOURNAL_SYNC:-commit}",
                description = "commit: answer events once they are journaled on disk (an answered event survives a crash); "
                        + "async: journal them in the background, faster, and a crash may lose the last 50 ms or so "
                        + "(env VIGIL_JOURNAL_SYNC; default ${DEFAULT-VALUE})")
        String journalSync;

        @Option(names = "--journal-retention", defaultValue = "${env:VIGIL_JOURNAL_RETENTION:-7d}",
                description = "how long journaled events are kept, e.g. 12h, 7d (env VIGIL_JOURNAL_RETENTION; default ${DEFAULT-VALUE})")
        String journalRetention;

        @Option(names = "--webhook-timeout", defaultValue = "${env:VIGIL_WEBHOOK_TIMEOUT:-10s}",
                description = "how long one webhook request may take (env VIGIL_WEBHOOK_TIMEOUT; default ${DEFAULT-VALUE})")
        String webhookTimeout;

        @Option(names = "--webhook-max-age", defaultValue = "${env:VIGIL_WEBHOOK_MAX_AGE:-24h}",
                description = "how long a webhook delivery is retried before it is marked failed (env VIGIL_WEBHOOK_MAX_AGE; default ${DEFAULT-VALUE})")
        String webhookMaxAge;

        @Option(names = "--replay-job-size", defaultValue = "${env:VIGIL_REPLAY_JOB_SIZE:-8MB}",
                description = "a replay whose posted events are larger than this (e.g. 512KB, 8MB, 1GB) runs as a job "
                        + "(env VIGIL_REPLAY_JOB_SIZE; default ${DEFAULT-VALUE})")
        String replayJobSize;

        @Option(names = "--replay-job-events", defaultValue = "${env:VIGIL_REPLAY_JOB_EVENTS:-100000}",
                description = "a replay of more inline or journaled events than this runs as a job "
                        + "(env VIGIL_REPLAY_JOB_EVENTS; default ${DEFAULT-VALUE})")
        long replayJobEvents;

        @Option(names = "--replay-sort-memory", defaultValue = "${env:VIGIL_REPLAY_SORT_MEMORY:-" + ReplayOrder.DEFAULT_SORT_MEMORY + "}",
                paramLabel = "EVENTS", description = "the most events a replay holds in memory while it sorts its input by event time; "
                        + "past it, sorted runs go to files in the data folder, " + ReplayOrder.MIN_SORT_MEMORY + " to "
                        + ReplayOrder.MAX_SORT_MEMORY + " (env VIGIL_REPLAY_SORT_MEMORY; default ${DEFAULT-VALUE})")
        long replaySortMemory;

        @Option(names = "--webhook-concurrency", defaultValue = "${env:VIGIL_WEBHOOK_CONCURRENCY:-8}",
                description = "how many webhook requests are in flight at once, across subscriptions "
                        + "(env VIGIL_WEBHOOK_CONCURRENCY; default ${DEFAULT-VALUE})")
        int webhookConcurrency;

        @Option(names = "--webhook-allow", split = ",", paramLabel = "CIDR", defaultValue = "${env:VIGIL_WEBHOOK_ALLOW}",
                description = "address ranges webhooks may be sent to although loopback, private or link-local, e.g. 10.1.0.0/16;"
                        + " repeat or separate with commas (env VIGIL_WEBHOOK_ALLOW)")
        List<String> webhookAllow;

        @Option(names = "--max-body", defaultValue = "${env:VIGIL_MAX_BODY:-10MB}",
                description = "the largest request body taken (e.g. 512KB, 10MB); larger ones are refused with 413 "
                        + "(env VIGIL_MAX_BODY; default ${DEFAULT-VALUE})")
        String maxBody;

        @Option(names = "--max-events-per-request", defaultValue = "${env:VIGIL_MAX_EVENTS_PER_REQUEST:-50000}",
                description = "the most events one post may carry; more are refused with 413 (env VIGIL_MAX_EVENTS_PER_REQUEST; default ${DEFAULT-VALUE})")
        int maxEventsPerRequest;

        @Option(names = "--max-event-fields", defaultValue = "${env:VIGIL_MAX_EVENT_FIELDS:-200}",
                description = "the most fields one event may have (env VIGIL_MAX_EVENT_FIELDS; default ${DEFAULT-VALUE})")
        int maxEventFields;

        @Option(names = "--max-string-length", defaultValue = "${env:VIGIL_MAX_STRING_LENGTH:-65536}",
                description = "the longest string an event field may hold, in characters (env VIGIL_MAX_STRING_LENGTH; default ${DEFAULT-VALUE})")
        int maxStringLength;

        @Option(names = "--max-rule-set-files", defaultValue = "${env:VIGIL_MAX_RULE_SET_FILES:-200}",
                description = "the most files a rule set may have (env VIGIL_MAX_RULE_SET_FILES; default ${DEFAULT-VALUE})")
        int maxRuleSetFiles;

        @Option(names = "--max-rule-set-size", defaultValue = "${env:VIGIL_MAX_RULE_SET_SIZE:-4MB}",
                description = "the most text a rule set's files may hold together (env VIGIL_MAX_RULE_SET_SIZE; default ${DEFAULT-VALUE})")
        String maxRuleSetSize;

        @Option(names = "--max-streams", defaultValue = "${env:VIGIL_MAX_STREAMS:-100}",
                description = "the most live alert streams open at once (env VIGIL_MAX_STREAMS; default ${DEFAULT-VALUE})")
        int maxStreams;

        @Option(names = "--rate-limit", defaultValue = "${env:VIGIL_RATE_LIMIT:-0}",
                description = "requests per second each token may make, a second's worth at once; 0 for no limit "
                        + "(env VIGIL_RATE_LIMIT; default ${DEFAULT-VALUE})")
        int rateLimit;

        @Option(names = "--request-timeout", defaultValue = "${env:VIGIL_REQUEST_TIMEOUT:-30s}",
                description = "how long a request may send or take nothing before it is given up (env VIGIL_REQUEST_TIMEOUT; "
                        + "default ${DEFAULT-VALUE})")
        String requestTimeout;

        @Option(names = "--min-request-rate", defaultValue = "${env:VIGIL_MIN_REQUEST_RATE:-1KB/s}",
                description = "how fast a request body must arrive, measured over each 10 s (e.g. 512B/s, 1KB/s, 1MB/s; from 1B/s "
                        + "to 100MB/s); a slower one is answered 408 and its connection closed (env VIGIL_MIN_REQUEST_RATE; "
                        + "default ${DEFAULT-VALUE})")
        String minRequestRate;

        @Option(names = "--allow-unsafe-rules", defaultValue = "${env:VIGIL_ALLOW_UNSAFE_RULES:-false}",
                description = "take rules whose code exits the JVM, starts processes or threads, uses reflection, files or the "
                        + "network; refused by default (env VIGIL_ALLOW_UNSAFE_RULES)")
        boolean allowUnsafeRules;

        @Option(names = "--rule-timeout", defaultValue = "${env:VIGIL_RULE_TIMEOUT:-10s}",
                description = "how long a rule set may go without progress (a rule that loops without end) before it is failed, "
                        + "and a replay or rule test is stopped, 1s to 1h (env VIGIL_RULE_TIMEOUT; default ${DEFAULT-VALUE})")
        String ruleTimeout;

        @Option(names = "--max-facts", defaultValue = "${env:VIGIL_MAX_FACTS:-5000000}",
                description = "the most facts one rule set's working memory may hold before it is failed "
                        + "(env VIGIL_MAX_FACTS; default ${DEFAULT-VALUE})")
        long maxFacts;

        @Option(names = "--max-alerts-per-event", defaultValue = "${env:VIGIL_MAX_ALERTS_PER_EVENT:-1000}",
                description = "the most alerts one event may make a rule set raise before the rule set is failed; a rule set's "
                        + "maxAlertsPerEvent may set less (env VIGIL_MAX_ALERTS_PER_EVENT; default ${DEFAULT-VALUE})")
        int maxAlertsPerEvent;

        @Option(names = "--max-alerts-per-second", defaultValue = "${env:VIGIL_MAX_ALERTS_PER_SECOND:-10000}",
                description = "the most alerts a rule set may raise within one second before it is failed; a rule set's "
                        + "maxAlertsPerSecond may set less (env VIGIL_MAX_ALERTS_PER_SECOND; default ${DEFAULT-VALUE})")
        int maxAlertsPerSecond;

        @Option(names = "--max-event-time-ahead", defaultValue = "${env:VIGIL_MAX_EVENT_TIME_AHEAD:-1h}",
                description = "how far ahead of the server's clock an event's time may be; later ones are refused with 400 "
                        + "(env VIGIL_MAX_EVENT_TIME_AHEAD; default ${DEFAULT-VALUE})")
        String maxEventTimeAhead;

        @Option(names = "--min-event-time", defaultValue = "${env:VIGIL_MIN_EVENT_TIME:-1970-01-01T00:00:00Z}",
                description = "the earliest event time taken, an ISO-8601 instant; earlier ones are refused with 400 "
                        + "(env VIGIL_MIN_EVENT_TIME; default ${DEFAULT-VALUE})")
        String minEventTime;

        @Option(names = "--tokens-file", defaultValue = "${env:VIGIL_TOKENS_FILE}", paramLabel = "FILE",
                description = "a YAML file of named tokens and their scopes (see the README), read again when it changes "
                        + "(env VIGIL_TOKENS_FILE)")
        Path tokensFile;

        @Option(names = "--tls-cert", defaultValue = "${env:VIGIL_TLS_CERT}", paramLabel = "PEM",
                description = "serve HTTPS with this PEM certificate chain (with --tls-key), read again when it changes "
                        + "(env VIGIL_TLS_CERT)")
        Path tlsCert;

        @Option(names = "--tls-key", defaultValue = "${env:VIGIL_TLS_KEY}", paramLabel = "PEM",
                description = "the PEM private key of --tls-cert, unencrypted (env VIGIL_TLS_KEY)")
        Path tlsKey;

        @Option(names = "--kafka-bootstrap", defaultValue = "${env:VIGIL_KAFKA_BOOTSTRAP}", paramLabel = "HOST:PORT",
                description = "connect to this Kafka cluster: rule sets whose settings name a topic consume it as a consumer group, "
                        + "and their alerts are produced to the alerts topic (env VIGIL_KAFKA_BOOTSTRAP; none by default)")
        String kafkaBootstrap;

        @Option(names = "--kafka-group", defaultValue = "${env:VIGIL_KAFKA_GROUP:-vigil}", paramLabel = "PREFIX",
                description = "the prefix of the rule sets' consumer groups: a rule set's group is PREFIX.<rule set> "
                        + "(env VIGIL_KAFKA_GROUP; default ${DEFAULT-VALUE})")
        String kafkaGroup;

        @Option(names = "--kafka-alerts-topic", defaultValue = "${env:VIGIL_KAFKA_ALERTS_TOPIC}", paramLabel = "TOPIC",
                description = "produce the alerts of every rule set to this topic; without it, only the alerts of rule sets that "
                        + "consume a topic are produced, to vigil.alerts (env VIGIL_KAFKA_ALERTS_TOPIC)")
        String kafkaAlertsTopic;

        @Option(names = "--kafka-instance-id", defaultValue = "${env:VIGIL_KAFKA_INSTANCE_ID}", paramLabel = "ID",
                description = "this server among those that share the consumer groups; by default one made at the first start and "
                        + "kept in the data folder (env VIGIL_KAFKA_INSTANCE_ID)")
        String kafkaInstanceId;

        @Option(names = "--kafka-commit-interval", defaultValue = "${env:VIGIL_KAFKA_COMMIT_INTERVAL:-200ms}",
                description = "how often alerts and offsets are committed to Kafka, 10ms to 60s "
                        + "(env VIGIL_KAFKA_COMMIT_INTERVAL; default ${DEFAULT-VALUE})")
        String kafkaCommitInterval;

        @Option(names = "--kafka-transaction-timeout", defaultValue = "${env:VIGIL_KAFKA_TRANSACTION_TIMEOUT:-10s}",
                description = "how long the broker keeps the open transaction of an instance that died, which a takeover waits for, "
                        + "1s to 15m (env VIGIL_KAFKA_TRANSACTION_TIMEOUT; default ${DEFAULT-VALUE})")
        String kafkaTransactionTimeout;

        @Option(names = "--kafka-session-timeout", defaultValue = "${env:VIGIL_KAFKA_SESSION_TIMEOUT:-10s}",
                description = "how long an instance may go unheard before its partitions go to the others, 6s to 5m "
                        + "(env VIGIL_KAFKA_SESSION_TIMEOUT; default ${DEFAULT-VALUE})")
        String kafkaSessionTimeout;

        @Option(names = "--kafka-max-rebuild", defaultValue = "${env:VIGIL_KAFKA_MAX_REBUILD:-1d}",
                description = "how far back a takeover reads a topic for event types kept without time bound, 1m to 30d "
                        + "(env VIGIL_KAFKA_MAX_REBUILD; default ${DEFAULT-VALUE})")
        String kafkaMaxRebuild;

        /** {@code serve} with the admin token and the secret key of {@code environment}, if it sets them. */
        Serve(Environment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() throws Exception {
            long started = System.nanoTime();
            Path folder = null;
            if (!rules.equals("none")) {
                folder = Path.of(rules);
                if (!Files.isDirectory(folder)) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--rules: " + folder.toAbsolutePath() + " is not a folder; give one, or 'none'");
                }
            }
            var serving = serve(config(), folder, rulesWritable, server -> { });
            var server = serving.server();
            var running = server.engine().ruleSets().stream().map(r -> r.name() + " v" + r.stats().version()).toList();
            LOG.info("rule sets running: {}", running.isEmpty() ? "none" : running);
            server.generatedAdminToken().ifPresent(token -> LOG.info(
                    "admin token (shown once; kept in {}): {}", data.resolve("admin-token").toAbsolutePath(), token));
            LOG.info("Vigil listening on {}://{}:{}/ (started in {} ms)", tlsCert == null ? "http" : "https", bind, server.port(),
                    (System.nanoTime() - started) / 1_000_000);
            var stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                serving.close();
                stopped.countDown();
            }, "vigil-shutdown"));
            stopped.await();
            return 0;
        }

        /**
         * Starts the server and, when {@code folder} is given (null: none), deploys the folder's rule
         * sets and watches it. The server listens at once but answers as starting (health 503, events
         * 503 with Retry-After) until the folder's rule sets run, so that no event meant for them is
         * refused as of an unknown type meanwhile. {@code beforeFolder} runs once it listens and before
         * the folder is deployed: tests hold the start there.
         */
        static Serving serve(ServerConfig config, Path folder, Consumer<VigilServer> beforeFolder) throws IOException {
            return serve(config, folder, false, beforeFolder);
        }

        /** As {@link #serve(ServerConfig, Path, Consumer)}; with {@code writable}, a deploy through the API writes a folder's rule set back to it. */
        static Serving serve(ServerConfig config, Path folder, boolean writable, Consumer<VigilServer> beforeFolder) throws IOException {
            if (folder == null) {
                return new Serving(VigilServer.start(config), null);
            }
            var server = VigilServer.startNotReady(config);
            LOG.info("port {} answers 'starting' until the rule sets of {} are deployed", server.port(), folder.toAbsolutePath());
            try {
                beforeFolder.accept(server);
                var directory = new RulesDirectory(folder, server.ruleSets(), server.audit(), writable);
                var deployed = directory.deployChanged();
                directory.watch();
                LOG.info("rules folder {}: deployed {}", folder.toAbsolutePath(), deployed.isEmpty() ? "nothing new" : deployed);
                server.ready();
                return new Serving(server, directory);
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        }

        /**
         * A running server and the rules folder it watches.
         *
         * @param server    the server
         * @param directory the rules folder, or null when it has none
         */
        record Serving(VigilServer server, RulesDirectory directory) implements AutoCloseable {
            @Override
            public void close() {
                if (directory != null) {
                    directory.close();
                }
                server.close();
            }
        }

        /** The server's configuration from the options; a bad option is a usage error naming it. */
        ServerConfig config() {
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together: give both");
            }
            var retention = journal ? duration(OptionRange.JOURNAL_RETENTION, journalRetention) : Duration.ZERO;
            var defaults = Webhooks.Settings.DEFAULTS;
            var webhooks = new Webhooks.Settings(duration(OptionRange.WEBHOOK_TIMEOUT, webhookTimeout), defaults.backoff(),
                    defaults.maxBackoff(), duration(OptionRange.WEBHOOK_MAX_AGE, webhookMaxAge),
                    within(OptionRange.WEBHOOK_CONCURRENCY, webhookConcurrency), addressPolicy());
            return ServerConfig.defaults(data).withBind(bind).withPort(port)
                    .withAdminToken(environment.get("VIGIL_ADMIN_TOKEN")).withJournal(retention).withWebhooks(webhooks)
                    .withMaxBodyBytes(within(OptionRange.MAX_BODY, bytes("--max-body", maxBody)))
                    .withReplayJobBytes(within(OptionRange.REPLAY_JOB_SIZE, bytes("--replay-job-size", replayJobSize)))
                    .withReplayJobEvents(within(OptionRange.REPLAY_JOB_EVENTS, replayJobEvents))
                    .withJournalSync(journalSync("--journal-sync", journalSync))
                    .withInput(new InputLimits(within(OptionRange.MAX_EVENTS_PER_REQUEST, maxEventsPerRequest),
                            within(OptionRange.MAX_EVENT_FIELDS, maxEventFields), within(OptionRange.MAX_STRING_LENGTH, maxStringLength),
                            within(OptionRange.MAX_RULE_SET_FILES, maxRuleSetFiles),
                            within(OptionRange.MAX_RULE_SET_SIZE, bytes("--max-rule-set-size", maxRuleSetSize)),
                            within(OptionRange.MAX_STREAMS, maxStreams), within(OptionRange.RATE_LIMIT, rateLimit),
                            duration(OptionRange.REQUEST_TIMEOUT, requestTimeout), requestRate("--min-request-rate", minRequestRate),
                            eventTimes(), (int) within(OptionRange.REPLAY_SORT_MEMORY, replaySortMemory)))
                    .withRules(new ServerConfig.RuleLimits(allowUnsafeRules, RuleTimeoutOption.parse(spec.commandLine(), ruleTimeout),
                            within(OptionRange.MAX_FACTS, maxFacts), new AlertBudget(
                                    between("--max-alerts-per-event", maxAlertsPerEvent, 1, AlertBudget.MOST),
                                    between("--max-alerts-per-second", maxAlertsPerSecond, 1, AlertBudget.MOST))))
                    .withAccess(ServerConfig.Access.NONE.withTokensFile(tokensFile).withTls(tlsCert, tlsKey)
                            .withSecretKey(environment.get(SecretCipher.VARIABLE)))
                    .withKafka(kafka());
        }

        /** The Kafka settings, or null when no --kafka-bootstrap is given. */
        private KafkaConfig kafka() {
            if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) {
                return null;
            }
            try {
                var config = KafkaConfig.of(kafkaBootstrap.trim(), kafkaInstanceId == null ? "" : kafkaInstanceId.trim())
                        .withGroupPrefix(kafkaGroup)
                        .withCommitInterval(duration(OptionRange.KAFKA_COMMIT_INTERVAL, kafkaCommitInterval))
                        .withTransactionTimeout(duration(OptionRange.KAFKA_TRANSACTION_TIMEOUT, kafkaTransactionTimeout))
                        .withSessionTimeout(duration(OptionRange.KAFKA_SESSION_TIMEOUT, kafkaSessionTimeout))
                        .withMaxRebuild(duration(OptionRange.KAFKA_MAX_REBUILD, kafkaMaxRebuild));
                return kafkaAlertsTopic == null || kafkaAlertsTopic.isBlank() ? config : config.withAlertsOfEveryRuleSetTo(kafkaAlertsTopic.trim());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--kafka: " + e.getMessage());
            }
        }

        /** The event times live input may have, from --min-event-time and --max-event-time-ahead. */
        private EventTimeBounds eventTimes() {
            Instant earliest;
            try {
                earliest = Instant.parse(minEventTime.trim());
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--min-event-time: '" + minEventTime + "' is not an ISO-8601 instant such as 1970-01-01T00:00:00Z");
            }
            try {
                OptionRange.MIN_EVENT_TIME.check(earliest);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            return new EventTimeBounds(earliest, duration(OptionRange.MAX_EVENT_TIME_AHEAD, maxEventTimeAhead));
        }

        private long bytes(String option, String text) {
            var m = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE).matcher(text.trim());
            if (!m.matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        option + ": '" + text + "' is not a size; give bytes with an optional unit: 512KB, 8MB, 1GB");
            }
            var unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
            int shift = switch (unit) {
                case "KB" -> 10;
                case "MB" -> 20;
                case "GB" -> 30;
                default -> 0;
            };
            try {
                return Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
            } catch (ArithmeticException | NumberFormatException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + ": '" + text + "' is too large");
            }
        }

        /** A rate such as {@code 1KB/s} (the {@code /s} may be left out), within the bounds of {@link RequestRate}. */
        private RequestRate requestRate(String option, String text) {
            var trimmed = text.trim();
            if (!trimmed.matches("(?i)\\d+\\s*(B|KB|MB|GB)?(/s)?")) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        option + ": '" + text + "' is not a rate; give bytes a second: 512B/s, 1KB/s, 1MB/s");
            }
            long perSecond = bytes(option, trimmed.replaceFirst("(?i)/s$", ""));
            if (perSecond < 1 || perSecond > RequestRate.MOST_BYTES_PER_SECOND) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + ": must be between 1B/s and 100MB/s, was " + text);
            }
            return new RequestRate(perSecond, RequestRate.DEFAULT.window());
        }

        private AddressPolicy addressPolicy() {
            var given = webhookAllow == null ? List.<String>of() : webhookAllow;
            try {
                return new AddressPolicy(given.stream().filter(t -> !t.isBlank())
                        .map(AddressPolicy.Cidr::parse).toList());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--webhook-allow: " + e.getMessage());
            }
        }

        private boolean journalSync(String option, String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "commit" -> true;
                case "async" -> false;
                default -> throw new CommandLine.ParameterException(spec.commandLine(), option + ": '" + value + "' is not commit or async");
            };
        }

        /** {@code value} when {@code range} takes it; a usage error naming the option and the range otherwise. */
        private long within(OptionRange range, long value) {
            try {
                return range.check(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }

        private int within(OptionRange range, int value) {
            return (int) within(range, (long) value);
        }

        private int between(String option, int value, int least, int most) {
            if (value < least || value > most) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        option + ": must be between " + least + " and " + most + ", was " + value);
            }
            return value;
        }

        /** The duration {@code text} gives when {@code range} takes it; a usage error naming the option otherwise. */
        private Duration duration(OptionRange range, String text) {
            Duration value;
            try {
                value = Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), range.option() + ": " + e.getMessage());
            }
            try {
                return range.check(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }
}
