package dev.vigil.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.vigil.dsl.RuleDsl;
import dev.vigil.engine.Engine;
import dev.vigil.engine.api.EngineConfig;
import dev.vigil.engine.session.LiveRuleSet;
import dev.vigil.kafka.KafkaTransport;
import dev.vigil.server.VigilServer;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Date;
import org.junit.jupiter.api.Test;

/**
 * The module and package picture of DESIGN.md, kept by a machine: the server reaches the engine
 * only through its API ({@code dev.vigil.engine} and the values of {@code dev.vigil.engine.api}),
 * the API's values import no engine internal, the engine imports no HTTP, SQL or wall clock, the
 * rule language imports no engine, and no two packages import each other, however indirectly.
 */
class ArchitectureTest {
    private static final String SERVER = "dev.vigil.server..";
    private static final String TRANSPORTS = "dev.vigil.kafka..";
    private static final String ENGINE = "dev.vigil.engine";
    private static final String ENGINE_VALUES = "dev.vigil.engine.api";
    private static final String[] ENGINE_INTERNALS = {"dev.vigil.engine.alert..", "dev.vigil.engine.clock..", "dev.vigil.engine.event..",
            "dev.vigil.engine.replay..", "dev.vigil.engine.ruleset..", "dev.vigil.engine.ruletest..", "dev.vigil.engine.session.."};
    private static final String DSL = "dev.vigil.dsl..";

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.vigil");

    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("server").definedBy(SERVER)
            .layer("transports").definedBy(TRANSPORTS)
            .layer("engine").definedBy(ENGINE)
            .layer("engine values").definedBy(ENGINE_VALUES)
            .layer("engine internals").definedBy(ENGINE_INTERNALS)
            .layer("rule language").definedBy(DSL)
            .whereLayer("server").mayNotBeAccessedByAnyLayer()
            .whereLayer("transports").mayOnlyBeAccessedByLayers("server")
            .whereLayer("engine").mayOnlyBeAccessedByLayers("server", "transports")
            .whereLayer("engine values").mayOnlyBeAccessedByLayers("server", "transports", "engine", "engine internals")
            .whereLayer("engine internals").mayOnlyBeAccessedByLayers("engine")
            .because("rest-api -> transports (kafka) -> engine API -> engine internals -> rules-dsl (DESIGN.md, modules)");

    static final ArchRule OUTSIDE_USES_ONLY_THE_ENGINE_API = noClasses().that().resideOutsideOfPackage("dev.vigil.engine..")
            .should().dependOnClassesThat(resideInAPackage("dev.vigil.engine..").and(not(resideInAnyPackage(ENGINE, ENGINE_VALUES))))
            .because("what lies outside the engine reaches it through Engine and dev.vigil.engine.api only");

    static final ArchRule VALUES_IMPORT_NO_INTERNALS = classes().that().resideInAPackage(ENGINE_VALUES)
            .should().onlyDependOnClassesThat().resideInAnyPackage(ENGINE_VALUES, DSL, "java..", "com.fasterxml.jackson..")
            .because("the values that cross the engine's boundary are plain records");

    static final ArchRule ENGINE_HAS_NO_HTTP_OR_SQL = noClasses().that().resideInAPackage("dev.vigil.engine..")
            .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..", "jakarta.servlet..", "java.net.http..",
                    "java.sql..", "javax.sql..", "org.h2..", "org.flywaydb..", "dev.vigil.server..", "org.apache.kafka..", "dev.vigil.kafka..")
            .because("the engine is used by transports; it is none itself (DESIGN.md, modules)");

    static final ArchRule TRANSPORTS_KNOW_NO_SERVER = knowNoServer(TRANSPORTS);

    /** Classes in {@code packages}, a transport's, use nothing of the server, its HTTP or its database. */
    static ArchRule knowNoServer(String packages) {
        return noClasses().that().resideInAPackage(packages)
            .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.server..", "io.javalin..", "org.eclipse.jetty..", "java.sql..",
                    "org.h2..")
            .because("a transport feeds the engine; the server wires it in (DESIGN.md, beyond one machine)");
    }

    static final ArchRule ENGINE_READS_NO_WALL_CLOCK = readNoWallClock("dev.vigil.engine..");

    /** Classes in {@code packages}, but for EngineConfig, whose default is the one place the system clock is named, read no wall clock. */
    static ArchRule readNoWallClock(String packages) {
        return noClasses().that().resideInAPackage(packages)
            .and().doNotHaveFullyQualifiedName(EngineConfig.class.getName())
            .should().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(Instant.class, "now")
            .orShould().callMethod(InstantSource.class, "system")
            .orShould().callMethod(Clock.class, "systemUTC")
            .orShould().callMethod(Clock.class, "systemDefaultZone")
            .orShould().callMethod(LocalDate.class, "now")
            .orShould().callMethod(LocalDateTime.class, "now")
            .orShould().callConstructor(Date.class)
            .because("time is injected: a clock comes in through EngineConfig");
    }

    static final ArchRule RULE_LANGUAGE_IS_PURE = noClasses().that().resideInAPackage(DSL)
            .should().dependOnClassesThat().resideInAnyPackage("dev.vigil.engine..", "dev.vigil.server..", "org.drools..", "org.kie..",
                    "io.javalin..")
            .because("rules-dsl turns YAML into DRL text and knows nothing of Drools or HTTP");

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.vigil.(**)").should().beFreeOfCycles();

    @Test
    void theRulesSeeEveryModule() {
        assertThat(MAIN.contain(Engine.class)).as("the engine").isTrue();
        assertThat(MAIN.contain(LiveRuleSet.class)).as("the engine's internals").isTrue();
        assertThat(MAIN.contain(VigilServer.class)).as("the server").isTrue();
        assertThat(MAIN.contain(RuleDsl.class)).as("the rule language").isTrue();
        assertThat(MAIN.contain(KafkaTransport.class)).as("the Kafka transport").isTrue();
    }

    @Test
    void theServerReachesTheEngineOnlyThroughItsApi() {
        OUTSIDE_USES_ONLY_THE_ENGINE_API.check(MAIN);
    }

    @Test
    void layersPointDown_serverToEngineToInternalsToRuleLanguage() {
        LAYERS.check(MAIN);
    }

    @Test
    void theEnginesValuesImportNoInternal() {
        VALUES_IMPORT_NO_INTERNALS.check(MAIN);
    }

    @Test
    void theEngineImportsNoHttpAndNoSql() {
        ENGINE_HAS_NO_HTTP_OR_SQL.check(MAIN);
    }

    @Test
    void theTransportsKnowNoServer() {
        TRANSPORTS_KNOW_NO_SERVER.check(MAIN);
    }

    @Test
    void theEngineReadsNoWallClock() {
        ENGINE_READS_NO_WALL_CLOCK.check(MAIN);
    }

    @Test
    void theRuleLanguageImportsNoEngine() {
        RULE_LANGUAGE_IS_PURE.check(MAIN);
    }

    @Test
    void noPackageCycles() {
        NO_PACKAGE_CYCLES.check(MAIN);
    }

    /** The rules fail on code that breaks them, in {@code dev.vigil.architecture.broken}. */
    @Test
    void eachRule_failsOnCodeThatBreaksIt() {
        var broken = new ClassFileImporter().importPackages("dev.vigil.architecture.broken");

        assertThatThrownBy(() -> OUTSIDE_USES_ONLY_THE_ENGINE_API.check(broken)).hasMessageContaining("ReachesAnInternal");
        assertThatThrownBy(() -> NO_PACKAGE_CYCLES.check(broken)).hasMessageContaining("Cycle");
        assertThatThrownBy(() -> readNoWallClock("dev.vigil.architecture.broken..").check(broken)).hasMessageContaining("currentTimeMillis");
        assertThatThrownBy(() -> knowNoServer("dev.vigil.architecture.broken..").check(broken)).hasMessageContaining("ReachesTheServer");
    }
}
