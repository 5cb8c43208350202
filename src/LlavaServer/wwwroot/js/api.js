// Calls to the server's OpenAI-compatible API; errors come back as ApiError with OpenAI's envelope fields.
import { readEventData } from './sse.js';

export class ApiError extends Error {
  constructor(message, { status = null, type = null, code = null, param = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }

  /** A plain object for storage and display. */
  toJSON() {
    return { message: this.message, status: this.status, type: this.type, code: this.code, param: this.param };
  }
}

export class ApiClient {
  /** @param {() => string} apiKey reads the current key, so a change applies to the next call. */
  constructor(apiKey) {
    this.apiKey = apiKey;
  }

  async getJson(path) {
    const response = await this.#send(path, { headers: this.#headers() });
    return response.json();
  }

  /** Yields each parsed chunk of a streamed chat completion; an error event is thrown as ApiError. */
  async *streamChat(request, signal) {
    const response = await this.#send('/v1/chat/completions', {
      method: 'POST',
      headers: { ...this.#headers(), 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(request),
      signal,
    });
    for await (const data of readEventData(response.body)) {
      if (data === '[DONE]') return;
      const chunk = JSON.parse(data);
      if (chunk.error) throw fromEnvelope(chunk, null);
      yield chunk;
    }
  }

  #headers() {
    const key = this.apiKey().trim();
    return key ? { Authorization: `Bearer ${key}` } : {};
  }

  async #send(path, init) {
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      throw new ApiError(`Could not reach the server (${error.message}).`);
    }
    if (!response.ok) throw await errorFrom(response);
    return response;
  }
}

async function errorFrom(response) {
  const text = await response.text();
  try {
    return fromEnvelope(JSON.parse(text), response.status);
  } catch {
    return new ApiError(text.trim() || `${response.status} ${response.statusText}`, { status: response.status });
  }
}

function fromEnvelope(envelope, status) {
  const error = envelope.error;
  if (!error || typeof error.message !== 'string') throw new TypeError('not an error envelope');
  return new ApiError(error.message, { status, type: error.type ?? null, code: error.code ?? null, param: error.param ?? null });
}
