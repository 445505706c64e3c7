// Server-sent events read through fetch(), so that the stream can send the Authorization header
// (EventSource cannot).

import { ApiError } from './api.js';

/** A parser fed chunks of text; calls onEvent({event, id, data}) for each complete event. */
export function sseParser(onEvent) {
  let buffer = '';
  let event = { event: 'message', id: null, data: [] };
  const dispatch = () => {
    if (event.data.length) onEvent({ event: event.event, id: event.id, data: event.data.join('\n') });
    event = { event: 'message', id: null, data: [] };
  };
  return (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        dispatch();
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') event.data.push(value);
      else if (field === 'event') event.event = value;
      else if (field === 'id') event.id = value;
    }
  };
}

/**
 * Opens {@code url} as an event stream with {@code headers}; returns a function that closes it.
 * onState receives 'open', 'closed' or an Error (an ApiError when the server refused the stream).
 */
export function openStream(url, headers, onEvent, onState) {
  const controller = new AbortController();
  (async () => {
    try {
      const response = await fetch(url, { headers: { ...headers, Accept: 'text/event-stream' }, signal: controller.signal });
      if (!response.ok) {
        let body = null;
        try {
          body = await response.json();
        } catch {
          body = null;
        }
        onState(new ApiError(response.status, body, `HTTP ${response.status}`));
        return;
      }
      onState('open');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const feed = sseParser(onEvent);
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        feed(value);
      }
      onState('closed');
    } catch (e) {
      if (e.name !== 'AbortError') onState(e);
    }
  })();
  return () => controller.abort();
}
