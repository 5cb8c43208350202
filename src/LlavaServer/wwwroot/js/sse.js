// Server-sent events from a fetch() body. EventSource cannot POST or send an Authorization header,
// so the chat stream is parsed here.

/** Yields the data of each event (the text after "data:", lines joined), "[DONE]" included. */
export async function* readEventData(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        finished = true;
        break;
      }
      // Normalizing after joining also catches a CR and its LF arriving in different chunks.
      buffer = (buffer + value).replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = eventData(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (data !== null) yield data;
      }
    }
    const last = eventData(buffer);
    if (last !== null) yield last;
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
  }
}

function eventData(block) {
  const lines = [];
  for (const line of block.split('\n')) {
    if (!line.startsWith('data:')) continue;
    lines.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  return lines.length ? lines.join('\n') : null;
}
