// What the page keeps in the browser's local storage: settings (the API key among them) and conversations.

const SETTINGS_KEY = 'llava-playground.settings';
const CONVERSATIONS_KEY = 'llava-playground.conversations';
const CURRENT_KEY = 'llava-playground.current';

export function loadSettings(defaults) {
  return { ...defaults, ...readJson(SETTINGS_KEY, {}) };
}

export function saveSettings(settings) {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings));
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
