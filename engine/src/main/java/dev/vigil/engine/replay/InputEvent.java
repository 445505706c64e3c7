package dev.vigil.engine.replay;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An event of a replay's input with its place in it.
 *
 * @param index its index in the input, from 0: what errors name, whatever order it runs in
 * @param time  its event time, epoch milliseconds, or {@link Disorder#UNTIMED}
 * @param json  the event
 */
record InputEvent(long index, long time, JsonNode json) {
}
