package dev.vigil.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;

/** Events read lazily from an input (a file, a request body, a journal), to close when done. */
public interface EventInput extends Iterator<JsonNode>, AutoCloseable {
    @Override
    void close();
}
