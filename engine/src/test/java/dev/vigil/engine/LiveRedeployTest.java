package dev.vigil.engine;

import static dev.vigil.engine.RuleHarness.T0;
import static dev.vigil.engine.RuleHarness.at;
import static dev.vigil.engine.RuleHarness.event;
import static dev.vigil.engine.TestRules.TRANSACTION;
import static dev.vigil.engine.TestRules.burst;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.engine.api.Alert;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.api.EngineListener;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.api.RuleSetStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Redeploys that change a rule or a declared type while events sit in windows. */
class LiveRedeployTest {
    private final TestClock clock = new TestClock(T0);
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Engine engine = Engine.create(EngineConfig.defaults().withClock(clock).withTick(Duration.ofMillis(10))
            .withListener(new EngineListener() {
                @Override
                public void onAlert(Alert alert) {
                    alerts.add(alert);
                }

                @Override
                public void onRuleSetFailed(String ruleSet, String reason) {
                    failures.add(reason);
                }
            }));

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private static final String TRANSACTION_WITH_CHANNEL = """
            package fraud;
            declare Transaction
                @role(event)
                @timestamp(time)
                time : long
                accountId : String
                channel : String
            end
            """;

    private static RuleSetSource fraud(String drl) {
        return RuleSetSource.of("fraud", Map.of("x.drl", drl));
    }

    private static ObjectNode tx(String id, String offset, String account) {
        return event("Transaction", offset, "accountId", account, "amount", 10.0).put("id", id);
    }

    private static ObjectNode web(String id, String offset, String account) {
        return event("Transaction", offset, "accountId", account, "channel", "web").put("id", id);
    }

    private long factCount() {
        return engine.flush("fraud").join().factCount();
    }

    /** updateToVersion recompiles only changed files: the engine-added global must be in each of them. */
    @Test
    void redeploy_ofAChangedRuleUsingTheEngineAddedGlobal_movesToTheNewVersion() {
        engine.deploy(fraud(TRANSACTION + burst(5)));
        engine.submit("fraud", List.of(tx("e1", "0:00", "a1"), tx("e2", "0:10", "a1"), tx("e3", "0:20", "a1")));

        Throwable thrown = null;
        try {
            assertThat(engine.deploy(fraud(TRANSACTION + burst(4))).version()).isEqualTo(2);
        } catch (RuntimeException e) {
            thrown = e;
        }

        assertThat(engine.ruleSet("fraud").orElseThrow().status()).as("status after deploy; failures " + failures)
                .isEqualTo(RuleSetStatus.RUNNING);
        assertThat(thrown).isNull();
    }

    @Test
    void redeploy_thatChangesAnEventTypesFields_carriesTheLiveEventsIntoTheNewVersion() {
        engine.deploy(fraud(TRANSACTION + burst(5)));
        engine.submit("fraud", List.of(tx("e1", "0:00", "a1"), tx("e2", "0:10", "a1"), tx("e3", "0:20", "a1")));
        assertThat(factCount()).isEqualTo(3);

        var deployment = engine.deploy(fraud(TRANSACTION_WITH_CHANNEL + burst(5)));

        assertThat(engine.ruleSet("fraud").orElseThrow().eventTypes()).as("event types the live decoder accepts")
                .isNotEmpty();
        assertThat(deployment.carriedFacts()).isEqualTo(3);
        engine.submit("fraud", List.of(web("e4", "0:30", "a1"), web("e5", "0:40", "a1"), web("e6", "0:50", "a1")));
        assertThat(factCount()).isEqualTo(6);
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.eventTime()).isEqualTo(at("0:50")));
        engine.submit("fraud", List.of(web("b1", "2:00", "b")));
        assertThat(factCount()).isEqualTo(1);
    }

    @Test
    void redeploy_thatChangesAnEventTypesFields_leavesNoOrphans() {
        engine.deploy(fraud(TRANSACTION + burst(5)));
        engine.submit("fraud", List.of(tx("e1", "0:00", "a1"), tx("e2", "0:10", "a1"), tx("e3", "0:20", "a1")));
        factCount();

        engine.deploy(fraud(TRANSACTION_WITH_CHANNEL + burst(5)));
        clock.set(at("5:00"));
        engine.flush("fraud").join();
        var stats = engine.flush("fraud").join();

        // Idle 5 min on the wall clock after the last arrival: the watermark is the newest event (0:20) + 5 min.
        assertThat(stats.clock()).isEqualTo(at("5:20").toEpochMilli());
        assertThat(stats.factCount()).as("events of 0:00-0:20 in a 60 s window, session clock at 5:20").isZero();
    }

    /** A renamed package drops every type of the old one: updateToVersion cannot load the new classes in the old network. */
    @Test
    void redeploy_thatRenamesThePackage_movesToTheNewVersionWithTheLiveEvents() {
        engine.deploy(fraud(TRANSACTION + burst(5)));
        engine.submit("fraud", List.of(tx("e1", "0:00", "a1"), tx("e2", "0:10", "a1"), tx("e3", "0:20", "a1")));
        assertThat(factCount()).isEqualTo(3);

        var deployment = engine.deploy(fraud((TRANSACTION + burst(5)).replace("package fraud;", "package faud;")));

        assertThat(deployment.version()).isEqualTo(2);
        assertThat(engine.ruleSet("fraud").orElseThrow().status()).as("failures " + failures).isEqualTo(RuleSetStatus.RUNNING);
        assertThat(deployment.carriedFacts()).isEqualTo(3);
        engine.submit("fraud", List.of(tx("e4", "0:30", "a1"), tx("e5", "0:40", "a1")));
        assertThat(factCount()).isEqualTo(5);
        assertThat(alerts).isEmpty();
        engine.submit("fraud", List.of(tx("e6", "0:50", "a1")));
        assertThat(factCount()).isEqualTo(6);
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.eventTime()).isEqualTo(at("0:50")));
    }

    /**
     * Drools' in-place move fails on the next version after one that dropped a package (it looks for
     * the dropped package's classes): every step here still deploys and keeps the window's events.
     */
    @Test
    void redeploys_thatRenameThePackageBackAndForth_allDeployAndKeepTheWindow() {
        engine.deploy(fraud(TRANSACTION + burst(5)));
        int n = 0;
        for (var pkg : List.of("raud", "faud", "fraud", "fraud")) {
            engine.submit("fraud", List.of(tx("e" + n, "0:0" + n, "a1")));
            n++;
            engine.deploy(fraud((TRANSACTION + burst(5)).replace("package fraud;", "package " + pkg + ";")));
            assertThat(factCount()).as("events after the deploy of package %s", pkg).isEqualTo(n);
        }
        assertThat(engine.ruleSet("fraud").orElseThrow().status()).as("failures " + failures).isEqualTo(RuleSetStatus.RUNNING);
        engine.submit("fraud", List.of(tx("e4", "0:04", "a1")));
        assertThat(factCount()).isEqualTo(5);
        assertThat(alerts).isEmpty();
        engine.submit("fraud", List.of(tx("e5", "0:05", "a1")));
        assertThat(factCount()).isEqualTo(6);
        assertThat(alerts).as("six events in the window, four deploys apart").singleElement()
                .satisfies(a -> assertThat(a.eventTime()).isEqualTo(at("0:05")));
    }

    /** A count kept in a fact the rules make, as the monitoring rules keep a service's minutes. */
    private static final String TALLY = TRANSACTION + """
            declare Tally
                account : String @key
                seen : long
            end
            rule "tally: open"
            when
                Transaction($acc : accountId) over window:time(60s)
                not Tally(account == $acc)
            then
                insert(new Tally($acc, 0));
            end
            rule "tally: add"
            when
                Transaction($acc : accountId) over window:time(60s)
                $t : Tally(account == $acc)
            then
                modify($t) { setSeen($t.getSeen() + 1) }
            end
            rule "fourth"
            when
                Tally($acc : account, seen == 4)
            then
                alerts.raise($acc, "four transactions");
            end
            """;

    /** Through a new session, what the rules made is made again from the events, not carried as well (which would count twice). */
    @Test
    void redeploy_throughANewSession_carriesTheEvents_andTheRulesRemakeWhatTheyDerived() {
        engine.deploy(fraud(TALLY));
        engine.submit("fraud", List.of(tx("e1", "0:00", "a1"), tx("e2", "0:10", "a1"), tx("e3", "0:20", "a1")));
        assertThat(factCount()).as("three events and their tally").isEqualTo(4);

        engine.deploy(fraud(TALLY.replace("package fraud;", "package faud;")));

        assertThat(factCount()).isEqualTo(4);
        assertThat(alerts).as("a tally carried and counted again would be at 6").isEmpty();
        engine.submit("fraud", List.of(tx("e4", "0:30", "a1")));
        assertThat(factCount()).isEqualTo(5);
        assertThat(alerts).singleElement().satisfies(a -> assertThat(a.eventTime()).isEqualTo(at("0:30")));
    }
}
