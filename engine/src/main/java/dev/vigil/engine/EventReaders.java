package dev.vigil.engine;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.vigil.engine.api.EventField;
import dev.vigil.engine.api.EventInput;
import dev.vigil.engine.api.EventInputException;
import dev.vigil.engine.api.EventTimeBounds;
import dev.vigil.engine.api.EventType;
import dev.vigil.engine.event.EventDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.Set;

/** Replay inputs read lazily, an event at a time: NDJSON, CSV, or a JSON array already in memory. */
public final class EventReaders {
    private static final Set<String> INTEGRAL = Set.of("int", "long", "short", "byte", "Integer", "Long", "Short", "Byte",
            "java.lang.Integer", "java.lang.Long", "java.lang.Short", "java.lang.Byte");
    private static final Set<String> DECIMAL = Set.of("double", "float", "Double", "Float", "java.lang.Double", "java.lang.Float",
            "BigDecimal", "java.math.BigDecimal");
    private static final Set<String> BOOLEAN = Set.of("boolean", "Boolean", "java.lang.Boolean");
    private static final Set<String> DATE = Set.of("Date", "java.util.Date");
    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private EventReaders() {
    }

    /**
     * One event per line of UTF-8; blank lines and CRLF endings are fine. An event that is not a
     * JSON object stops the input with an {@link EventInputException} naming the line it starts on
     * (lines count from 1).
     */
    public static EventInput ndjson(InputStream in, ObjectMapper json) {
        // Jackson reads the values straight from the bytes, one after the other (whitespace,
        // newlines included, separates them), and knows the line of each.
        // Values follow each other in one stream here, whatever the mapper says of trailing tokens.
        var reader = json.reader().without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        JsonParser parser;
        try {
            parser = json.getFactory().createParser(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new EventInput() {
            private JsonNode next;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                long line = 0;
                try {
                    var token = parser.nextToken();
                    if (token == null) {
                        return false;
                    }
                    line = parser.currentTokenLocation().getLineNr();
                    if (token != JsonToken.START_OBJECT) {
                        throw new EventInputException(line, null, "an event must be a JSON object");
                    }
                    next = reader.readTree(parser);
                    return true;
                } catch (JsonProcessingException e) {
                    // The line the broken event starts on: where the parser gave up may be lines later.
                    var location = e.getLocation();
                    long at = line > 0 ? line : location == null ? 0 : location.getLineNr();
                    throw new EventInputException(at, null, "not JSON: " + e.getOriginalMessage().replaceAll(" \\(start marker at .*\\)", ""));
                } catch (IOException e) {
                    throw new UncheckedIOException("reading the events: " + e.getMessage(), e);
                }
            }

            @Override
            public JsonNode next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                var out = next;
                next = null;
                return out;
            }

            @Override
            public void close() {
                closeQuietly(parser);
            }
        };
    }

    /**
     * A CSV file with a header row: each row an event of {@code type}, its {@code timeColumn} the
     * event time (ISO-8601, {@code yyyy-MM-dd HH:mm:ss} in UTC, or epoch milliseconds), the other
     * columns fields by name, converted to the types the event type declares (an empty cell leaves
     * the field out; an undeclared column stays text, for the decoder to judge).
     */
    public static EventInput csv(InputStream in, EventType type, String timeColumn, ObjectMapper json) {
        var mapper = new CsvMapper().enable(CsvParser.Feature.TRIM_SPACES);
        MappingIterator<Map<String, String>> rows;
        try {
            rows = mapper.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader()).readValues(in);
            rows.hasNextValue(); // reads the header
            var columns = columnNames(rows);
            if (!columns.contains(timeColumn)) {
                closeQuietly(in);
                throw new EventInputException(1, timeColumn, "the header has no time column '" + timeColumn + "'; its columns are " + columns);
            }
        } catch (IOException e) {
            closeQuietly(in);
            throw new EventInputException(1, null, "not CSV: " + e.getMessage());
        }
        return new EventInput() {
            @Override
            public boolean hasNext() {
                try {
                    return rows.hasNextValue();
                } catch (IOException e) {
                    throw new EventInputException(line(), null, "not CSV: " + e.getMessage());
                }
            }

            @Override
            public JsonNode next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Map<String, String> row;
                try {
                    row = rows.nextValue();
                } catch (IOException e) {
                    throw new EventInputException(line(), null, "not CSV: " + e.getMessage());
                }
                long line = line();
                ObjectNode event = json.createObjectNode().put("type", type.name());
                var time = row.get(timeColumn);
                if (time == null || time.isEmpty()) {
                    throw new EventInputException(line, timeColumn, "the event time is missing");
                }
                event.put("time", time(time, line, timeColumn));
                for (var cell : row.entrySet()) {
                    var column = cell.getKey();
                    var value = cell.getValue();
                    if (column.equals(timeColumn) || value == null || value.isEmpty()) {
                        continue;
                    }
                    var field = type.field(column).map(EventField::type).orElse("String");
                    try {
                        if (INTEGRAL.contains(field)) {
                            event.put(column, Long.parseLong(value));
                        } else if (DECIMAL.contains(field)) {
                            event.put(column, new BigDecimal(value));
                        } else if (DATE.contains(field)) {
                            // Any of the time column's forms; the decoder reads epoch milliseconds into a Date.
                            event.put(column, time(value, line, column));
                        } else if (BOOLEAN.contains(field)) {
                            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                                throw new NumberFormatException();
                            }
                            event.put(column, Boolean.parseBoolean(value.toLowerCase(Locale.ROOT)));
                        } else {
                            event.put(column, value);
                        }
                    } catch (NumberFormatException e) {
                        throw new EventInputException(line, column, "'" + value + "' is not "
                                + (BOOLEAN.contains(field) ? "true or false" : INTEGRAL.contains(field) ? "a whole number" : "a number")
                                + " (field " + column + " is " + field + ")");
                    }
                }
                return event;
            }

            /** The line of the row just read: where its last value is. */
            private long line() {
                var location = rows.getParser().currentTokenLocation();
                return location == null ? -1 : location.getLineNr();
            }

            @Override
            public void close() {
                try {
                    rows.close();
                } catch (IOException e) {
                    // Nothing more to read from it.
                }
            }
        };
    }

    private static List<String> columnNames(MappingIterator<?> rows) {
        var schema = (CsvSchema) rows.getParser().getSchema();
        var out = new ArrayList<String>();
        schema.forEach(c -> out.add(c.getName()));
        return out;
    }

    /** An inline JSON array of events. */
    public static EventInput array(JsonNode array) {
        var elements = array.elements();
        return new EventInput() {
            @Override
            public boolean hasNext() {
                return elements.hasNext();
            }

            @Override
            public JsonNode next() {
                return elements.next();
            }

            @Override
            public void close() {
            }
        };
    }

    /** Epoch milliseconds of an ISO-8601 instant (or local date-time, as UTC), a {@code yyyy-MM-dd HH:mm:ss} UTC time, or digits. */
    static long time(String text, long line, String column) {
        try {
            return text.chars().allMatch(Character::isDigit) ? Long.parseLong(text) : instant(text, line, column).toEpochMilli();
        } catch (NumberFormatException | ArithmeticException e) {
            // Past the milliseconds of a long; a time within them but outside what a rule set takes is the decoder's to name.
            throw new EventInputException(line, column, "'" + text + "' is beyond the range of times, " + EventTimeBounds.FIRST + " to "
                    + EventTimeBounds.LAST);
        }
    }

    private static Instant instant(String text, long line, String column) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try the other forms
        }
        try {
            return LocalDateTime.parse(text, SPACED).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new EventInputException(line, column, "'" + text + "' is not a time: give ISO-8601 (2026-11-20T10:00:00Z), "
                    + "yyyy-MM-dd HH:mm:ss (UTC) or epoch milliseconds");
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing an input that is done with.
        }
    }

    /** The event time of {@code event} in epoch ms, when its {@code time} field holds one the engine reads. */
    public static OptionalLong timeOf(JsonNode event) {
        return EventDecoder.timeOf(event);
    }
}
