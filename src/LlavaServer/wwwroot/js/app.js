// The playground page: wires the composer, thread, conversations, settings and server panel together.
import { ApiClient } from './api.js';
import { Attachments } from './attachments.js';
import { copyText } from './clipboard.js';
import { Conversations } from './conversations.js';
import { chatRequest, streamAnswer } from './generation.js';
import { ServerPanel } from './server-panel.js';
import { DEFAULT_SETTINGS, SettingsError, bindSettingsForm, samplingFields } from './settings.js';
import { loadSettings, saveSettings } from './store.js';
import { renderThread, updateAnswer } from './thread.js';

const $ = id => document.getElementById(id);
const ui = {
  model: $('model'),
  newChat: $('new-chat'),
  conversationList: $('conversation-list'),
  notice: $('notice'),
  scroller: $('thread-scroller'),
  emptyThread: $('empty-thread'),
  thread: $('thread'),
  chat: document.querySelector('main.chat'),
  composer: $('composer'),
  attachments: $('attachments'),
  composerError: $('composer-error'),
  message: $('message'),
  fileInput: $('file-input'),
  send: $('send'),
  stop: $('stop'),
  dropOverlay: $('drop-overlay'),
  settingsForm: $('settings'),
  settingsSection: $('settings-section'),
  announcer: $('announcer'),
};

const settings = loadSettings(DEFAULT_SETTINGS);
const api = new ApiClient(() => settings.apiKey);
const conversations = new Conversations();
const panel = new ServerPanel(api, document.querySelector('.server-panel'));
const attachments = new Attachments(ui.attachments, () => panel.limits, conversationLoad);

/** The answer being streamed: its conversation, message and abort controller. */
let active = null;
let editing = null;
let renderQueued = false;

start();

function start() {
  collapseSectionsOnNarrowScreens();
  let keyTimer;
  bindSettingsForm(ui.settingsForm, settings, name => {
    saveSettings(settings);
    if (name !== 'apiKey') return;
    // Try the key once typing pauses, not with every partial key.
    clearTimeout(keyTimer);
    keyTimer = setTimeout(() => {
      loadModels();
      panel.refresh();
    }, 300);
  });
  // Settings apply as they are typed; Enter in a field must not reload the page.
  ui.settingsForm.addEventListener('submit', event => event.preventDefault());
  ui.model.addEventListener('change', () => {
    settings.model = ui.model.value;
    saveSettings(settings);
  });
  ui.newChat.addEventListener('click', newChat);
  ui.composer.addEventListener('submit', event => {
    event.preventDefault();
    send();
  });
  ui.message.addEventListener('keydown', onComposerKey);
  ui.message.addEventListener('paste', onPaste);
  ui.fileInput.addEventListener('change', async () => {
    await attach([...ui.fileInput.files]);
    ui.fileInput.value = '';
  });
  ui.stop.addEventListener('click', stop);
  document.addEventListener('keydown', onGlobalKey);
  ui.thread.addEventListener('click', onThreadClick);
  ui.thread.addEventListener('keydown', onThreadKey);
  ui.conversationList.addEventListener('click', onConversationClick);
  bindDragAndDrop();

  renderAll();
  loadModels();
  panel.start();
}

function collapseSectionsOnNarrowScreens() {
  if (!window.matchMedia('(max-width: 899px)').matches) return;
  for (const section of document.querySelectorAll('details.section')) section.open = false;
}

async function loadModels() {
  try {
    const { data } = await api.getJson('/v1/models');
    const ids = data.map(model => model.id);
    ui.model.replaceChildren(...ids.map(id => new Option(id, id)));
    ui.model.value = ids.includes(settings.model) ? settings.model : ids[0] ?? '';
    hideNotice();
  } catch (error) {
    showNotice(error.status === 401
      ? 'This server needs an API key. Enter it under Settings; the page keeps it in this browser.'
      : `The model list could not be loaded: ${error.message}`);
    if (error.status === 401) ui.settingsSection.open = true;
  }
}

async function send() {
  if (active) return;
  const text = ui.message.value.trim();
  if (!text && attachments.items.length === 0) {
    showComposerError('Type a question or attach an image first.');
    ui.message.focus();
    return;
  }
  const fields = fieldsOrShowError();
  if (!fields) return;
  hideComposerError();
  const conversation = conversations.currentOrNew();
  conversation.messages.push({ role: 'user', text, images: attachments.take() });
  ui.message.value = '';
  await answer(conversation, fields);
}

/** Streams a new answer to the conversation as it stands. */
async function answer(conversation, fields) {
  const message = { role: 'assistant', text: '', model: ui.model.value, pending: true };
  const request = chatRequest(conversation.messages, { model: ui.model.value, systemPrompt: settings.systemPrompt, fields });
  conversation.messages.push(message);
  conversations.touch(conversation);
  active = { conversation, message, controller: new AbortController() };
  persist();
  renderAll();
  // The button that started this (Send, Regenerate, an edit's Send) is gone now; Stop takes its place.
  if (document.activeElement === document.body || ui.send.hidden && document.activeElement === ui.send) ui.stop.focus();
  announce('Generating an answer…');

  let first = true;
  await streamAnswer(api, request, message, active.controller.signal, () => {
    if (first) {
      first = false;
      panel.refresh();
    }
    queueAnswerUpdate();
  });

  const stopFocused = document.activeElement === ui.stop;
  active = null;
  persist();
  renderAll();
  panel.refresh();
  if (stopFocused || document.activeElement === document.body) ui.message.focus();
  announce(message.error ? `The server answered with an error: ${message.error.message}`
    : message.stopped ? 'Stopped.' : 'Answer complete.');
}

function stop() {
  active?.controller.abort();
}

function regenerate(index) {
  const conversation = conversations.current;
  if (active || !conversation || index !== conversation.messages.length - 1) return;
  const fields = fieldsOrShowError();
  if (!fields) return;
  conversation.messages.splice(index);
  answer(conversation, fields);
}

function saveEdit(index) {
  const conversation = conversations.current;
  const input = $(`edit-${index}`);
  if (active || !conversation || !input) return;
  const fields = fieldsOrShowError();
  if (!fields) return;
  const text = input.value.trim();
  const edited = { ...conversation.messages[index], text };
  if (!text && !edited.images?.length) return;
  conversation.messages.splice(index, conversation.messages.length - index, edited);
  editing = null;
  answer(conversation, fields);
}

/** The request's sampling fields, or null after pointing at the setting that is wrong. */
function fieldsOrShowError() {
  try {
    return samplingFields(settings);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    showComposerError(error.message);
    ui.settingsSection.open = true;
    const field = $(error.fieldId);
    field.setAttribute('aria-invalid', 'true');
    field.focus();
    return null;
  }
}

function newChat() {
  editing = null;
  conversations.close();
  persist();
  renderAll();
  ui.message.focus();
}

async function attach(files) {
  if (files.length === 0) return;
  const problems = await attachments.add(files);
  if (problems.length) showComposerError(problems.join(' '));
  else hideComposerError();
  announce(`${attachments.items.length} image${attachments.items.length === 1 ? '' : 's'} attached.`);
}

/** Images the open conversation already sends with each request, for the size checks. */
function conversationLoad() {
  const images = (conversations.current?.messages ?? []).flatMap(message => message.images ?? []).filter(image => image.dataUrl);
  return { images: images.length, bytes: images.reduce((sum, image) => sum + image.size, 0) };
}

function onComposerKey(event) {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    if (active) announce('An answer is still streaming; press Esc to stop it.');
    else send();
  }
}

function onGlobalKey(event) {
  if (event.key !== 'Escape') return;
  if (active) {
    event.preventDefault();
    stop();
  } else if (editing !== null) {
    const index = editing;
    editing = null;
    renderAll();
    ui.thread.querySelector(`button[data-action="edit"][data-index="${index}"]`)?.focus();
  }
}

function onPaste(event) {
  const files = [...event.clipboardData.items].filter(item => item.kind === 'file').map(item => item.getAsFile()).filter(Boolean);
  if (files.length === 0) return;
  event.preventDefault();
  attach(files);
}

/** The whole chat column takes dropped images; a file dropped elsewhere must not replace the page. */
function bindDragAndDrop() {
  const zone = ui.chat;
  let depth = 0;
  const hasFiles = event => [...event.dataTransfer.types].includes('Files');
  zone.addEventListener('dragenter', event => {
    if (!hasFiles(event)) return;
    depth++;
    ui.dropOverlay.hidden = false;
  });
  zone.addEventListener('dragover', event => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) ui.dropOverlay.hidden = true;
  });
  zone.addEventListener('drop', event => {
    event.preventDefault();
    depth = 0;
    ui.dropOverlay.hidden = true;
    attach([...event.dataTransfer.files]);
  });
  for (const type of ['dragover', 'drop']) {
    document.addEventListener(type, event => {
      if (hasFiles(event)) event.preventDefault();
    });
  }
}

async function onThreadClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const index = Number(button.dataset.index);
  const conversation = conversations.current;
  switch (button.dataset.action) {
    case 'copy':
      await copyWithFeedback(button, conversation.messages[index].text);
      break;
    case 'copy-code':
      await copyWithFeedback(button, button.closest('.code-block').querySelector('code').textContent);
      break;
    case 'regenerate':
      regenerate(index);
      break;
    case 'edit':
      editing = index;
      renderAll();
      $(`edit-${index}`).focus();
      break;
    case 'save-edit':
      saveEdit(index);
      break;
    case 'cancel-edit':
      editing = null;
      renderAll();
      ui.thread.querySelector(`button[data-action="edit"][data-index="${index}"]`)?.focus();
      break;
  }
}

function onThreadKey(event) {
  if (!event.target.classList.contains('edit-input')) return;
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    saveEdit(editing);
  }
}

async function copyWithFeedback(button, text) {
  const label = button.textContent;
  try {
    await copyText(text);
    button.textContent = 'Copied';
    announce('Copied to the clipboard.');
  } catch (error) {
    button.textContent = 'Copy failed';
    announce(`Could not copy: ${error.message}`);
  }
  setTimeout(() => {
    button.textContent = label;
  }, 1500);
}

function onConversationClick(event) {
  const button = event.target.closest('button[data-id]');
  if (!button) return;
  if (button.dataset.action === 'delete') {
    if (active?.conversation.id === button.dataset.id) stop();
    conversations.remove(button.dataset.id);
  } else {
    conversations.select(button.dataset.id);
  }
  editing = null;
  persist();
  renderAll();
  if (button.dataset.action !== 'delete') ui.message.focus();
}

function persist() {
  const { imagesLeftOut, failed } = conversations.save();
  if (failed) showNotice('This browser\'s storage is full; the conversation could not be saved.');
  else if (imagesLeftOut) showNotice('The images are too large for this browser\'s storage: the saved conversations keep the text only.');
}

function renderAll() {
  const conversation = conversations.current;
  const busy = active !== null && active.conversation === conversation;
  renderThread(ui.thread, conversation, { editing, busy });
  ui.emptyThread.hidden = Boolean(conversation?.messages.length);
  ui.send.hidden = active !== null;
  ui.stop.hidden = active === null;
  renderConversationList();
  scrollToEnd();
}

function renderConversationList() {
  const items = conversations.list.filter(conversation => conversation.messages.length > 0).map(conversation => {
    const li = document.createElement('li');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'conversation-title';
    open.dataset.id = conversation.id;
    open.textContent = Conversations.title(conversation);
    if (conversation.id === conversations.currentId) open.setAttribute('aria-current', 'true');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'button small';
    remove.dataset.id = conversation.id;
    remove.dataset.action = 'delete';
    remove.textContent = '×';
    remove.setAttribute('aria-label', `Delete conversation: ${open.textContent}`);
    li.append(open, remove);
    return li;
  });
  ui.conversationList.replaceChildren(...items);
}

/** Renders the streamed text at most once per frame; a token can arrive faster than a frame. */
function queueAnswerUpdate() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    if (!active || active.conversation !== conversations.current) return;
    const stick = nearEnd();
    const index = active.conversation.messages.indexOf(active.message);
    updateAnswer(ui.thread, index, active.message);
    ui.thread.querySelector(`li[data-index="${index}"] .typing`)?.remove();
    if (stick) scrollToEnd();
  });
}

function nearEnd() {
  return ui.scroller.scrollHeight - ui.scroller.scrollTop - ui.scroller.clientHeight < 80;
}

function scrollToEnd() {
  ui.scroller.scrollTop = ui.scroller.scrollHeight;
}

function showNotice(text) {
  ui.notice.textContent = text;
  ui.notice.hidden = false;
}

function hideNotice() {
  ui.notice.hidden = true;
}

function showComposerError(text) {
  ui.composerError.textContent = text;
  ui.composerError.hidden = false;
}

function hideComposerError() {
  ui.composerError.hidden = true;
  ui.composerError.textContent = '';
}

function announce(text) {
  // Clearing first makes a repeated message be read again.
  ui.announcer.textContent = '';
  requestAnimationFrame(() => {
    ui.announcer.textContent = text;
  });
}
