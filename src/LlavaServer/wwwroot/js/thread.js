// The conversation thread: one list item per message, with its images, text, metrics, error and actions.
// Buttons carry data-action; the page handles them by delegation.
import { renderMarkdown } from './markdown.js';
import { formatMilliseconds, formatRate } from './format.js';

/**
 * Rebuilds the thread.
 * @param {{editing: number|null, busy: boolean}} view which user message is being edited, and whether an answer is streaming
 */
export function renderThread(list, conversation, view) {
  const messages = conversation?.messages ?? [];
  const lastIndex = messages.length - 1;
  list.replaceChildren(...messages.map((message, index) => (message.role === 'user'
    ? userMessage(message, index, view.editing === index, view.busy)
    : assistantMessage(message, index, index === lastIndex && !view.busy))));
}

/** Updates the answer being streamed in place, cheaper than a rebuild on every token. */
export function updateAnswer(list, index, message) {
  const item = list.querySelector(`li[data-index="${index}"]`);
  if (!item) return;
  item.querySelector('.content').replaceChildren(renderMarkdown(message.text));
}

function userMessage(message, index, editing, busy) {
  const item = messageItem('user', index, 'You');
  if (message.images?.length) {
    const images = element('ul', 'message-images');
    images.setAttribute('aria-label', 'Images');
    for (const image of message.images) {
      const li = document.createElement('li');
      if (image.dataUrl) {
        const img = document.createElement('img');
        img.src = image.dataUrl;
        img.alt = image.name;
        li.append(img);
      } else {
        li.append(element('span', 'image-left-out', `${image.name} (not kept in this browser's storage)`));
      }
      images.append(li);
    }
    item.append(images);
  }

  if (editing) {
    const id = `edit-${index}`;
    const label = element('label', 'visually-hidden', 'Edit message');
    label.htmlFor = id;
    const input = element('textarea', 'edit-input');
    input.id = id;
    input.rows = 3;
    input.value = message.text;
    const actions = element('div', 'message-actions');
    actions.append(actionButton('Send', 'save-edit', index, 'primary'), actionButton('Cancel', 'cancel-edit', index));
    item.append(label, input, actions);
    return item;
  }

  item.append(element('div', 'message-text', message.text));
  if (!busy) {
    const actions = element('div', 'message-actions');
    actions.append(actionButton('Edit', 'edit', index, '', 'Edit and resend this message'));
    item.append(actions);
  }
  return item;
}

function assistantMessage(message, index, canRegenerate) {
  const item = messageItem('assistant', index, 'Assistant');
  if (message.model) item.querySelector('.message-header').append(element('span', 'model-name', message.model));
  item.setAttribute('aria-busy', String(Boolean(message.pending)));

  const content = element('div', 'content markdown');
  content.append(renderMarkdown(message.text));
  item.append(content);
  if (message.pending && !message.text) item.append(element('p', 'typing', 'Waiting for the first token…'));
  if (message.stopped) item.append(element('p', 'stopped', 'Stopped.'));
  if (message.error) item.append(errorBox(message.error));
  // A request refused or stopped before its first token has nothing to measure.
  if (message.metrics && (message.metrics.exact || message.metrics.completionTokens > 0)) item.append(metricsLine(message));

  if (!message.pending) {
    const actions = element('div', 'message-actions');
    if (message.text) actions.append(actionButton('Copy', 'copy', index, '', 'Copy answer'));
    if (canRegenerate) actions.append(actionButton('Regenerate', 'regenerate', index, '', 'Regenerate this answer'));
    if (actions.childElementCount) item.append(actions);
  }
  return item;
}

/** The thread is rebuilt often, so the box is no live region; the page announces a new error once. */
function errorBox(error) {
  const box = element('div', 'error');
  const heading = [error.status ? `Error ${error.status}` : 'Error', error.code ?? error.type].filter(Boolean).join(' · ');
  box.append(element('strong', null, heading), element('span', 'error-message', error.message));
  return box;
}

function metricsLine(message) {
  const m = message.metrics;
  const parts = [];
  if (m.timeToFirstTokenMs !== null) parts.push(`first token ${formatMilliseconds(m.timeToFirstTokenMs)}`);
  if (m.tokensPerSecond !== null) parts.push(`${formatRate(m.tokensPerSecond)} tok/s`);
  if (m.promptTokens !== null) parts.push(`${m.promptTokens} prompt tokens`);
  parts.push(`${m.exact ? '' : 'at least '}${m.completionTokens} completion tokens`);
  if (message.finishReason) parts.push(`finish: ${message.finishReason}`);
  return element('p', 'metrics', parts.join(' · '));
}

function messageItem(role, index, author) {
  const item = element('li', `message ${role}`);
  item.dataset.index = String(index);
  const header = element('div', 'message-header');
  header.append(element('span', 'author', author));
  item.append(header);
  return item;
}

function actionButton(text, action, index, variant = '', label = null) {
  const button = element('button', `button small ${variant}`.trim(), text);
  button.type = 'button';
  button.dataset.action = action;
  button.dataset.index = String(index);
  if (label) button.setAttribute('aria-label', label);
  return button;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}
