// One answer: the chat request for a conversation, its stream read into the assistant message, and
// the numbers shown under the answer.
import { ApiError } from './api.js';

/** The request body for everything in `messages` (the conversation so far), with the sampling fields. */
export function chatRequest(messages, { model, systemPrompt, fields }) {
  const wire = [];
  if (systemPrompt.trim()) wire.push({ role: 'system', content: systemPrompt });
  for (const message of messages) {
    if (message.role === 'user') {
      wire.push({ role: 'user', content: userContent(message) });
    } else if (message.text && !message.error) {
      wire.push({ role: 'assistant', content: message.text });
    }
  }
  // The page reads a stream with usage whatever the extra fields say.
  return { ...(model ? { model } : {}), ...fields, messages: wire, stream: true, stream_options: { include_usage: true } };
}

function userContent(message) {
  const images = (message.images ?? []).filter(image => image.dataUrl);
  if (images.length === 0) return message.text;
  const parts = images.map(image => ({ type: 'image_url', image_url: { url: image.dataUrl } }));
  if (message.text) parts.push({ type: 'text', text: message.text });
  return parts;
}

/**
 * Streams an answer into `message` (text, finish reason, metrics, or error or stopped), calling
 * onToken after each piece of text. Resolves when the answer is complete, stopped or failed.
 */
export async function streamAnswer(api, request, message, signal, onToken) {
  const started = performance.now();
  let first = null;
  let last = null;
  let pieces = 0;
  let usage = null;
  try {
    for await (const chunk of api.streamChat(request, signal)) {
      if (chunk.usage) usage = chunk.usage;
      if (chunk.model) message.model = chunk.model;
      for (const choice of chunk.choices ?? []) {
        const text = choice.delta?.content;
        if (text) {
          last = performance.now();
          first ??= last;
          pieces++;
          message.text += text;
          onToken();
        }
        if (choice.finish_reason) message.finishReason = choice.finish_reason;
      }
    }
  } catch (error) {
    if (error.name === 'AbortError') message.stopped = true;
    else message.error = error instanceof ApiError ? error.toJSON() : { message: `The answer could not be read: ${error.message}` };
  } finally {
    message.pending = false;
    message.metrics = metrics(started, first, last, pieces, usage);
  }
}

function metrics(started, first, last, pieces, usage) {
  // A stopped stream has no usage chunk; each streamed piece is one token (tokens that end inside a
  // UTF-8 character send no piece), so the count is a lower bound then.
  const completionTokens = usage?.completion_tokens ?? pieces;
  const decodeSeconds = first !== null && last > first ? (last - first) / 1000 : 0;
  return {
    timeToFirstTokenMs: first === null ? null : first - started,
    tokensPerSecond: completionTokens > 1 && decodeSeconds > 0 ? (completionTokens - 1) / decodeSeconds : null,
    promptTokens: usage?.prompt_tokens ?? null,
    completionTokens,
    exact: usage !== null,
  };
}
