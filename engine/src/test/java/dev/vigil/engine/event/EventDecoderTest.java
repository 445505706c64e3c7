package dev.vigil.engine.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.vigil.engine.TestClock;
import dev.vigil.engine.api.Event;
import dev.vigil.engine.api.EventError;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.InvalidEventsException;
import dev.vigil.engine.api.RuleSetSource;
import dev.vigil.engine.ruleset.CompiledRuleSet;
import dev.vigil.engine.ruleset.RuleSetCompiler;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kie.api.KieBase;

/**
 * Decoding JSON events into a rule set's declared event types: envelope, coercion and errors.
 *
 * <p>The rule set is compiled once for the class, not per test, and closed after the last test.
 */
class EventDecoderTest {
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_SINGLE_QUOTES).build();
    /** As the server reads events: decimals as BigDecimal, so that 1e400 comes as a number, not as infinity. */
    private static final JsonMapper EXACT = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    private static final String RULES = """
            package pkg;

            declare Transaction
                @role(event)
                @timestamp(time)
                id : String
                accountId : String
                amount : double
                count : int
                total : long
                flagged : boolean
                bookedAt : java.util.Date
                price : java.math.BigDecimal
                ratio : float
                time : long
            end

            declare Login
                @role(event)
                @timestamp(at)
                user : String
                at : java.util.Date
            end
            """;

    private static CompiledRuleSet compiled;
    private static KieBase kieBase;
    private final TestClock arrival = TestClock.at("2026-11-20T12:34:56.789Z");
    private final EventDecoder decoder = EventDecoder.forKieBase(kieBase, false, arrival);

    @BeforeAll
    static void compile() {
        compiled = new RuleSetCompiler().compile(RuleSetSource.of("decoder-test", Map.of("events.drl", RULES)));
        kieBase = compiled.container().getKieBase();
    }

    @AfterAll
    static void close() {
        compiled.close();
    }

    @Test
    void decode_exampleEvent_fillsEnvelopeAndFields() {
        var event = decoder.decode(json("""
                {"type": "Transaction", "id": "t1", "time": "2026-11-20T10:00:00Z", "accountId": "a1", "amount": 12.5}
                """), 0);

        assertThat(event.id()).isEqualTo("t1");
        assertThat(event.type()).isEqualTo("Transaction");
        assertThat(event.time()).isEqualTo(T0.toEpochMilli());
        assertThat(field(event, "id")).isEqualTo("t1");
        assertThat(field(event, "accountId")).isEqualTo("a1");
        assertThat(field(event, "amount")).isEqualTo(12.5);
        assertThat(field(event, "time")).isEqualTo(T0.toEpochMilli());
    }

    @Test
    void decode_numericId_isReadAsText() {
        var event = decoder.decode(json("{'type': 'Transaction', 'id': 42, 'time': '2026-11-20T10:00:00Z'}"), 0);

        assertThat(event.id()).isEqualTo("42");
        assertThat(field(event, "id")).isEqualTo("42");
    }

    @Test
    void decode_timeWithOffset_isTheSameInstant() {
        var event = decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': '2026-11-20T11:30:00+01:30'}"), 0);

        assertThat(event.time()).isEqualTo(T0.toEpochMilli());
    }

    @Test
    void decode_timeAsEpochMillis_fillsTimeAndTimestampField() {
        var event = decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': " + T0.toEpochMilli() + "}"), 0);

        assertThat(event.time()).isEqualTo(T0.toEpochMilli());
        assertThat(field(event, "time")).isEqualTo(T0.toEpochMilli());
    }

    @Test
    void decode_withoutTime_happenedAtArrival() {
        var event = decoder.decode(json("{'type': 'Transaction', 'id': 't1'}"), 0);

        assertThat(event.time()).isEqualTo(Instant.parse("2026-11-20T12:34:56.789Z").toEpochMilli());
        assertThat(field(event, "time")).isEqualTo(event.time());
    }

    @Test
    void decode_withoutId_generatesTheSameIdForTheSameInput() {
        var text = "{'type': 'Transaction', 'time': '2026-11-20T10:00:00Z', 'amount': 12.5}";

        var first = decoder.decode(json(text), 0);
        var second = decoder.decode(json(text), 7);

        assertThat(first.id()).startsWith("Transaction-").isEqualTo(second.id());
        assertThat(field(first, "id")).isEqualTo(first.id());
    }

    @Test
    void decode_withoutId_generatesDifferentIdsForDifferentContent() {
        var small = decoder.decode(json("{'type': 'Transaction', 'time': '2026-11-20T10:00:00Z', 'amount': 12.5}"), 0);
        var large = decoder.decode(json("{'type': 'Transaction', 'time': '2026-11-20T10:00:00Z', 'amount': 12.6}"), 0);
        var later = decoder.decode(json("{'type': 'Transaction', 'time': '2026-11-20T10:00:01Z', 'amount': 12.5}"), 0);

        assertThat(List.of(small.id(), large.id(), later.id())).doesNotHaveDuplicates();
    }

    @Test
    void decode_dateField_acceptsIsoTextAndEpochMillis() {
        var iso = decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'bookedAt': '2026-11-20T10:00:00Z'}"), 0);
        var millis = decoder.decode(json("{'type': 'Transaction', 'id': 't2', 'bookedAt': " + T0.toEpochMilli() + "}"), 1);

        assertThat(field(iso, "bookedAt")).isEqualTo(Date.from(T0));
        assertThat(field(millis, "bookedAt")).isEqualTo(Date.from(T0));
    }

    @Test
    void decode_dateTimestampField_isSetToTheEventTime() {
        var event = decoder.decode(json("{'type': 'Login', 'id': 'l1', 'time': '2026-11-20T10:00:00Z', 'user': 'ann'}"), 0);

        assertThat(event.time()).isEqualTo(T0.toEpochMilli());
        assertThat(field(event, "at")).isEqualTo(Date.from(T0));
    }

    @Test
    void decode_timestampFieldInsteadOfTime_givesTheEventTime() {
        var event = decoder.decode(json("{'type': 'Login', 'id': 'l1', 'at': '2026-11-20T10:00:00Z', 'user': 'ann'}"), 0);

        assertThat(event.time()).isEqualTo(T0.toEpochMilli());
        assertThat(field(event, "at")).isEqualTo(Date.from(T0));
    }

    @Test
    void decode_numericStrings_areCoercedIntoNumbers() {
        var event = decoder.decode(json("""
                {'type': 'Transaction', 'id': 't1', 'amount': '12.5', 'count': '7', 'total': '9000000000', 'price': ' 0.10 '}
                """), 0);

        assertThat(field(event, "amount")).isEqualTo(12.5);
        assertThat(field(event, "count")).isEqualTo(7);
        assertThat(field(event, "total")).isEqualTo(9_000_000_000L);
        assertThat(field(event, "price")).isEqualTo(new BigDecimal("0.10"));
    }

    @Test
    void decode_wholeNumbersWrittenAsDecimals_fillIntAndLong() {
        var event = decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'count': 7.0, 'total': 9e9, 'amount': 12}"), 0);

        assertThat(field(event, "count")).isEqualTo(7);
        assertThat(field(event, "total")).isEqualTo(9_000_000_000L);
        assertThat(field(event, "amount")).isEqualTo(12.0);
    }

    @Test
    void decode_largestInt_fits() {
        var event = decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'count': 2147483647}"), 0);

        assertThat(field(event, "count")).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void decode_booleanText_isCoerced() {
        var yes = decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'flagged': 'true'}"), 0);
        var no = decoder.decode(json("{'type': 'Transaction', 'id': 't2', 'flagged': 'false'}"), 1);

        assertThat(field(yes, "flagged")).isEqualTo(true);
        assertThat(field(no, "flagged")).isEqualTo(false);
    }

    @Test
    void decode_nullIntoObjectField_leavesItNull() {
        var event = decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'accountId': null, 'price': null}"), 0);

        assertThat(field(event, "accountId")).isNull();
        assertThat(field(event, "price")).isNull();
    }

    @Test
    void decode_unknownType_namesTheKnownTypes() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Trade', 'id': 't1'}"), 3))
                .isInstanceOf(InvalidEventsException.class)
                .hasMessage("event 3 (id t1), field 'type': 'Trade' is not an event type of this rule set; known: [Login, Transaction]");
    }

    @Test
    void decode_qualifiedTypeName_isAccepted() {
        var event = decoder.decode(json("{'type': 'pkg.Transaction', 'id': 't1'}"), 0);

        assertThat(event.type()).isEqualTo("Transaction");
    }

    @Test
    void decode_missingType_saysItIsRequired() {
        assertThatThrownBy(() -> decoder.decode(json("{'id': 't1', 'amount': 12.5}"), 0))
                .hasMessage("event 0 (id t1), field 'type': is required and must be the name of an event type, one of [Login, Transaction]");
    }

    @Test
    void decode_notAnObject_namesTheEvent() {
        assertThatThrownBy(() -> decoder.decode(json("['Transaction']"), 2))
                .hasMessage("event 2: an event must be a JSON object");
    }

    @Test
    void decode_idThatIsAnObject_namesTheIdField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Login', 'id': {'n': 1}}"), 0))
                .hasMessage("event 0, field 'id': must be a string");
    }

    @Test
    void decode_objectIntoString_namesEventAndField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'accountId': {'n': 1}}"), 0))
                .hasMessage("event 0 (id t1), field 'accountId': expected a string, got an object");
    }

    @Test
    void decode_textIntoDouble_namesEventAndField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'amount': 'lots'}"), 0))
                .hasMessage("event 0 (id t1), field 'amount': expected a double, got the text 'lots'");
    }

    @Test
    void decode_booleanIntoInt_namesEventAndField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'count': true}"), 0))
                .hasMessage("event 0 (id t1), field 'count': expected an int, got a boolean");
    }

    @Test
    void decode_textOtherThanTrueOrFalse_isNotABoolean() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'flagged': 'yes'}"), 0))
                .hasMessage("event 0 (id t1), field 'flagged': expected true or false, got \"yes\"");
    }

    @Test
    void decode_fractionIntoInt_namesEventAndField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'count': 12.5}"), 0))
                .hasMessage("event 0 (id t1), field 'count': 12.5 does not fit an int: it is not a whole number");
    }

    @Test
    void decode_valueTooLargeForInt_namesEventAndField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'count': 3e10}"), 0))
                .hasMessage("event 0 (id t1), field 'count': 3.0E10 does not fit an int");
    }

    @Test
    void decode_oneMoreThanTheLargestInt_doesNotFit() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'count': 2147483648}"), 0))
                .hasMessage("event 0 (id t1), field 'count': 2147483648 does not fit an int");
    }

    @Test
    void decode_valueTooLargeForLong_namesEventAndField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'total': 9223372036854775808}"), 0))
                .hasMessage("event 0 (id t1), field 'total': 9223372036854775808 does not fit a long");
    }

    @Test
    void decode_nullIntoPrimitive_namesEventAndField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'amount': null}"), 0))
                .hasMessage("event 0 (id t1), field 'amount': must not be null: it is declared as double");
    }

    @Test
    void decode_unknownField_isAnErrorListingTheDeclaredFields() {
        var thrown = catchThrowableOfType(InvalidEventsException.class,
                () -> decoder.decode(json("{'type': 'Login', 'id': 'l1', 'colour': 'red'}"), 0));

        assertThat(thrown.errors()).singleElement().satisfies(error -> {
            assertThat(error.index()).isZero();
            assertThat(error.eventId()).isEqualTo("l1");
            assertThat(error.field()).isEqualTo("colour");
            assertThat(error.message()).matches("is not a field of Login; its fields are \\[(user, at|at, user)]");
        });
    }

    @Test
    void decode_unknownFieldWhenAllowed_isIgnored() {
        var lenient = EventDecoder.forKieBase(kieBase, true, arrival);

        var event = lenient.decode(json("{'type': 'Login', 'id': 'l1', 'colour': 'red', 'user': 'ann'}"), 0);

        assertThat(field(event, "user")).isEqualTo("ann");
    }

    @Test
    void decode_unparseableTime_namesTheTimeField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': 'yesterday'}"), 0))
                .hasMessage("event 0 (id t1), field 'time': 'yesterday' is not a time:"
                        + " use ISO-8601 (2026-11-20T10:00:00Z) or epoch milliseconds");
    }

    @Test
    void decode_timeWithoutOffset_isRefused() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': '2026-11-20T10:00:00'}"), 0))
                .hasMessage("event 0 (id t1), field 'time': '2026-11-20T10:00:00' is not a time:"
                        + " use ISO-8601 (2026-11-20T10:00:00Z) or epoch milliseconds");
    }

    @Test
    void decode_unparseableTimestampField_namesThatField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Login', 'id': 'l1', 'at': true}"), 0))
                .hasMessage("event 0 (id l1), field 'at': true is not a time:"
                        + " use ISO-8601 (2026-11-20T10:00:00Z) or epoch milliseconds");
    }

    @Test
    void decode_timesBeyondTheMillisecondsOfALong_areRefusedNamingTheField() {
        for (var time : List.of("'+999999999-12-31T23:59:59Z'", "'-999999999-01-01T00:00:00Z'", "'+999999999-12-31T23:59:59+01:00'")) {
            var thrown = catchThrowableOfType(InvalidEventsException.class,
                    () -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': " + time + "}"), 3));

            assertThat(thrown.errors()).as(time).extracting(EventError::index, EventError::field).containsExactly(tuple(3, "time"));
            assertThat(thrown.errors().get(0).message()).as(time)
                    .endsWith("is beyond the range of times, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z");
        }
    }

    @Test
    void decode_timesAClockCannotHold_areRefusedNamingTheField() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': 9223372036854775807}"), 0))
                .hasMessage("event 0 (id t1), field 'time': +292278994-08-17T07:12:55.807Z is after 9999-12-31T23:59:59.999Z,"
                        + " the latest time a rule set's clock can hold");
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': -9223372036854775808}"), 0))
                .hasMessage("event 0 (id t1), field 'time': -292275055-05-16T16:47:04.192Z is before 1970-01-01T00:00:00Z,"
                        + " the earliest event time taken");
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Login', 'id': 'l1', 'at': 9223372036854775807}"), 0))
                .hasMessageStartingWith("event 0 (id l1), field 'at': +292278994-08-17T07:12:55.807Z is after");
    }

    @Test
    void decode_theFirstAndLastTimesAClockHolds_areTaken_andOneMillisecondBeyondIsNot() {
        assertThat(decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': '9999-12-31T23:59:59.999Z'}"), 0).time())
                .isEqualTo(Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli());
        assertThat(decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': 0}"), 0).time()).isZero();
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': '+10000-01-01T00:00:00Z'}"), 0))
                .hasMessageContaining("field 'time': +10000-01-01T00:00:00Z is after 9999-12-31T23:59:59.999Z");
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': -1}"), 0))
                .hasMessageContaining("field 'time': 1969-12-31T23:59:59.999Z is before 1970-01-01T00:00:00Z");
    }

    @Test
    void decode_epochMillisThatAreNotAWholeNumberOrTooLarge_areRefused() {
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': 1.5}"), 0))
                .hasMessage("event 0 (id t1), field 'time': 1.5 does not fit a time in epoch milliseconds: it is not a whole number");
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': 1e30}"), 0))
                .hasMessage("event 0 (id t1), field 'time': 1.0E30 does not fit a time in epoch milliseconds");
        assertThat(decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': 1.7637e12}"), 0).time()).isEqualTo(1_763_700_000_000L);
    }

    @Test
    void decode_liveBounds_takeAnHourAheadOfTheClock_andRefuseOneMillisecondMore() {
        var live = decoder.withTimeBounds(EventTimeBounds.LIVE);
        var hourAhead = Instant.parse("2026-11-20T13:34:56.789Z");

        assertThat(live.decode(json("{'type': 'Transaction', 'id': 't1', 'time': '" + hourAhead + "'}"), 0).time())
                .isEqualTo(hourAhead.toEpochMilli());
        assertThatThrownBy(() -> live.decode(json("{'type': 'Transaction', 'id': 't1', 'time': '" + hourAhead.plusMillis(1) + "'}"), 2))
                .hasMessage("event 2 (id t1), field 'time': 2026-11-20T13:34:56.790Z is more than 1h ahead of the clock, which reads"
                        + " 2026-11-20T12:34:56.789Z: so far ahead it would make every later event late; give the time the event"
                        + " happened, or correct the sender's clock");
        arrival.advance(Duration.ofMillis(1));
        assertThat(live.decode(json("{'type': 'Transaction', 'id': 't1', 'time': '" + hourAhead.plusMillis(1) + "'}"), 0).time())
                .isEqualTo(hourAhead.toEpochMilli() + 1);
    }

    @Test
    void decode_liveBounds_refuseTimesBeforeTheEarliest_andTakeTheEarliest() {
        var earliest = Instant.parse("2026-01-01T00:00:00Z");
        var live = decoder.withTimeBounds(new EventTimeBounds(earliest, Duration.ofHours(1)));

        assertThat(live.decode(json("{'type': 'Login', 'id': 'l1', 'at': '2026-01-01T00:00:00Z'}"), 0).time()).isEqualTo(earliest.toEpochMilli());
        assertThatThrownBy(() -> live.decode(json("{'type': 'Login', 'id': 'l1', 'at': '2025-12-31T23:59:59.999Z'}"), 0))
                .hasMessage("event 0 (id l1), field 'at': 2025-12-31T23:59:59.999Z is before 2026-01-01T00:00:00Z, the earliest event time taken");
    }

    @Test
    void decode_withoutTime_isTakenWhateverTheBounds() {
        var live = decoder.withTimeBounds(EventTimeBounds.LIVE);

        assertThat(live.decode(json("{'type': 'Transaction', 'id': 't1'}"), 0).time()).isEqualTo(arrival.millis());
    }

    @Test
    void decode_decimalsPastTheRangeOfADouble_areRefusedAsInfinityIs() {
        for (var value : List.of("1e400", "-1e400")) {
            var thrown = catchThrowableOfType(InvalidEventsException.class,
                    () -> decoder.decode(exact("{\"type\": \"Transaction\", \"id\": \"t1\", \"amount\": " + value + "}"), 1));

            assertThat(thrown.errors()).as(value).extracting(EventError::index, EventError::field).containsExactly(tuple(1, "amount"));
            assertThat(thrown.errors().get(0).message()).as(value).endsWith("does not fit a double: it is beyond the range of numbers");
        }
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'amount': 'Infinity'}"), 0))
                .hasMessage("event 0 (id t1), field 'amount': expected a double, got the text 'Infinity'");
        assertThatThrownBy(() -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'amount': 'NaN'}"), 0))
                .hasMessage("event 0 (id t1), field 'amount': expected a double, got the text 'NaN'");
        assertThat(field(decoder.decode(exact("{\"type\": \"Transaction\", \"amount\": 1.7976931348623157e308}"), 0), "amount"))
                .isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void decode_decimalsPastTheRangeOfAFloat_areRefused() {
        // FactField.get reads a float wrongly (through a long): the fact's own text shows what it holds.
        assertThat(decoder.decode(exact("{\"type\": \"Transaction\", \"ratio\": 3.4e38}"), 0).fact()).asString()
                .contains("ratio=3.4E38");
        assertThatThrownBy(() -> decoder.decode(exact("{\"type\": \"Transaction\", \"id\": \"t1\", \"ratio\": 3.5e38}"), 0))
                .hasMessage("event 0 (id t1), field 'ratio': 3.5E+38 does not fit a float: it is beyond the range of numbers");
    }

    @Test
    void decode_hugeExponentIntoAnInt_isRefusedAtOnce() {

        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThatThrownBy(() -> decoder.decode(
                exact("{\"type\": \"Transaction\", \"id\": \"t1\", \"count\": 1e99999999}"), 0))
                .hasMessage("event 0 (id t1), field 'count': 1E+99999999 does not fit an int"));
    }

    @Test
    void decode_severalProblemsInOneEvent_reportsEach() {
        var thrown = catchThrowableOfType(InvalidEventsException.class,
                () -> decoder.decode(json("{'type': 'Transaction', 'id': 't1', 'time': 'soon', 'amount': 'lots', 'count': 1.5}"), 4));

        assertThat(thrown.errors()).extracting(EventError::index, EventError::field)
                .containsExactly(tuple(4, "time"), tuple(4, "amount"), tuple(4, "count"));
    }

    @Test
    void decodeAll_validEvents_areReturnedInOrder() {
        var events = decoder.decodeAll(List.of(
                json("{'type': 'Transaction', 'id': 't1'}"),
                json("{'type': 'Login', 'id': 'l1'}"),
                json("{'type': 'Transaction', 'id': 't2'}")));

        assertThat(events).extracting(Event::id).containsExactly("t1", "l1", "t2");
    }

    @Test
    void decodeAll_invalidEvents_listsEveryErrorWithItsIndex() {
        var thrown = catchThrowableOfType(InvalidEventsException.class, () -> decoder.decodeAll(List.of(
                json("{'type': 'Transaction', 'id': 't1', 'amount': 1}"),
                json("{'type': 'Trade', 'id': 't2'}"),
                json("{'type': 'Transaction', 'id': 't3', 'amount': 3}"),
                json("{'type': 'Transaction', 'amount': null, 'count': 'lots'}"))));

        assertThat(thrown.errors()).extracting(EventError::index, EventError::eventId, EventError::field).containsExactly(
                tuple(1, "t2", "type"),
                tuple(3, null, "amount"),
                tuple(3, null, "count"));
        assertThat(thrown).hasMessage(
                "event 1 (id t2), field 'type': 'Trade' is not an event type of this rule set; known: [Login, Transaction]"
                        + "; event 3, field 'amount': must not be null: it is declared as double"
                        + "; event 3, field 'count': expected an int, got the text 'lots'");
    }

    private static Object field(Event event, String name) {
        return kieBase.getFactType("pkg", event.type()).get(event.fact(), name);
    }

    private static JsonNode exact(String text) {
        try {
            return EXACT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test JSON does not parse: " + text, e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("test JSON does not parse: " + text, e);
        }
    }
}
