// What the page keeps in the browser: settings and conversations in local storage; the API key in session storage
// (gone with the tab) unless the user asks to remember it, since anything in local storage stays on the disk and any
// script served from this address can read it.

const SETTINGS_KEY = 'llava-playground.settings';
const API_KEY_KEY = 'llava-playground.api-key';
const CONVERSATIONS_KEY = 'llava-playground.conversations';
const CURRENT_KEY = 'llava-playground.current';

export function loadSettings(defaults) {
  // Earlier versions kept the key among the settings in local storage: it moves to this session only.
  const { apiKey: earlierKey, ...stored } = readJson(SETTINGS_KEY, {});
  const settings = { ...defaults, ...stored };
  settings.apiKey = keyStorage(settings).getItem(API_KEY_KEY) ?? earlierKey ?? defaults.apiKey;
  if (earlierKey !== undefined) saveSettings(settings);
  return settings;
}

export function saveSettings(settings) {
  const { apiKey, ...rest } = settings;
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(rest));
  const keep = keyStorage(settings);
  (keep === localStorage ? sessionStorage : localStorage).removeItem(API_KEY_KEY);
  if (apiKey) keep.setItem(API_KEY_KEY, apiKey);
  else keep.removeItem(API_KEY_KEY);
}

function keyStorage(settings) {
  return settings.rememberKey ? localStorage : sessionStorage;
}

export function loadConversations() {
  const list = readJson(CONVERSATIONS_KEY, []);
  return { list: Array.isArray(list) ? list : [], currentId: localStorage.getItem(CURRENT_KEY) };
}

/**
 * Saves the conversations. Images are kept as data URLs, which can outgrow the few megabytes browsers
 * allow; then the images of other conversations, and if need be all images, are left out of the saved
 * copy (the page keeps them until it is closed). Returns whether images were left out.
 */
export function saveConversations(list, currentId) {
  if (currentId) localStorage.setItem(CURRENT_KEY, currentId);
  else localStorage.removeItem(CURRENT_KEY);
  const attempts = [
    list,
    list.map(conversation => (conversation.id === currentId ? conversation : withoutImages(conversation))),
    list.map(withoutImages),
  ];
  for (const [index, attempt] of attempts.entries()) {
    try {
      localStorage.setItem(CONVERSATIONS_KEY, JSON.stringify(attempt));
      return { imagesLeftOut: index > 0 };
    } catch (error) {
      if (error.name !== 'QuotaExceededError') throw error;
    }
  }
  return { imagesLeftOut: true, failed: true };
}

function withoutImages(conversation) {
  return {
    ...conversation,
    messages: conversation.messages.map(message => (message.images?.length
      ? { ...message, images: message.images.map(image => ({ ...image, dataUrl: null })) }
      : message)),
  };
}

function readJson(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
}
