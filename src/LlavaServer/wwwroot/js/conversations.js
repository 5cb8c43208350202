// The conversations of this browser and which one is open.
import { loadConversations, saveConversations } from './store.js';

export class Conversations {
  constructor() {
    const { list, currentId } = loadConversations();
    this.list = list;
    // An answer that was streaming when the page went away ended there.
    for (const message of list.flatMap(conversation => conversation.messages)) {
      if (message.pending) {
        message.pending = false;
        message.stopped = true;
      }
    }
    this.currentId = list.some(conversation => conversation.id === currentId) ? currentId : list[0]?.id ?? null;
  }

  get current() {
    return this.list.find(conversation => conversation.id === this.currentId) ?? null;
  }

  /** The open conversation, or a new one when none is open. */
  currentOrNew() {
    return this.current ?? this.create();
  }

  create() {
    const conversation = { id: crypto.randomUUID(), createdAt: Date.now(), messages: [] };
    this.list.unshift(conversation);
    this.currentId = conversation.id;
    return conversation;
  }

  /** Leaves the open conversation without creating one yet: the next message starts it. */
  close() {
    this.currentId = null;
  }

  select(id) {
    if (this.list.some(conversation => conversation.id === id)) this.currentId = id;
  }

  remove(id) {
    this.list = this.list.filter(conversation => conversation.id !== id);
    if (this.currentId === id) this.currentId = this.list[0]?.id ?? null;
  }

  /** Moves a conversation that just got a message to the top of the list. */
  touch(conversation) {
    conversation.updatedAt = Date.now();
    this.list = [conversation, ...this.list.filter(other => other !== conversation)];
  }

  save() {
    return saveConversations(this.list.filter(conversation => conversation.messages.length > 0), this.currentId);
  }

  static title(conversation) {
    const first = conversation.messages.find(message => message.role === 'user');
    const text = first?.text.trim().replace(/\s+/g, ' ');
    if (text) return text.length > 48 ? `${text.slice(0, 47)}…` : text;
    return first?.images?.length ? 'Image question' : 'New conversation';
  }
}
