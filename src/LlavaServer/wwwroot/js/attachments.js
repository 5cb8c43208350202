// Images waiting to be sent with the next message: added by picker, drag and drop or paste, checked
// against the server's limits before anything is uploaded, shown as thumbnails.
import { formatBytes } from './format.js';

export class Attachments {
  /**
   * @param {HTMLUListElement} list where the thumbnails go
   * @param {() => {maxImageBytes: number, maxImagesPerRequest: number, maxRequestBodyBytes: number}} limits
   * @param {() => {images: number, bytes: number}} conversationLoad images and bytes the conversation already sends
   */
  constructor(list, limits, conversationLoad) {
    this.list = list;
    this.limits = limits;
    this.conversationLoad = conversationLoad;
    this.items = [];
  }

  /** Adds the image files that pass the checks; returns one message per file refused. */
  async add(files) {
    const problems = [];
    for (const file of files) {
      const problem = this.#check(file);
      if (problem) {
        problems.push(problem);
        continue;
      }
      try {
        this.items.push({ id: crypto.randomUUID(), name: file.name || 'pasted image', type: file.type, size: file.size, dataUrl: await readDataUrl(file) });
      } catch (error) {
        problems.push(`“${file.name}” could not be read (${error.message}).`);
      }
    }
    this.render();
    return problems;
  }

  remove(id) {
    this.items = this.items.filter(item => item.id !== id);
    this.render();
  }

  /** Hands the images over to a message and clears the list. */
  take() {
    const items = this.items.map(({ name, type, size, dataUrl }) => ({ name, type, size, dataUrl }));
    this.items = [];
    this.render();
    return items;
  }

  #check(file) {
    const name = file.name || 'The pasted file';
    if (!file.type.startsWith('image/')) return `“${name}” is not an image${file.type ? ` (${file.type})` : ''}.`;
    const limits = this.limits();
    if (file.size > limits.maxImageBytes) {
      return `“${name}” is ${formatBytes(file.size)}; this server accepts images up to ${formatBytes(limits.maxImageBytes)}.`;
    }
    const load = this.conversationLoad();
    if (load.images + this.items.length + 1 > limits.maxImagesPerRequest) {
      return `“${name}” was not attached: this server takes at most ${limits.maxImagesPerRequest} images per request, and the conversation sends them all again.`;
    }
    // Base64 makes each image a third larger, and every image of the conversation goes out with each request.
    const body = (load.bytes + this.items.reduce((sum, item) => sum + item.size, 0) + file.size) * 4 / 3;
    if (body > limits.maxRequestBodyBytes) {
      return `“${name}” would make the request about ${formatBytes(body)}, over this server's limit of ${formatBytes(limits.maxRequestBodyBytes)}.`;
    }
    return null;
  }

  render() {
    this.list.replaceChildren(...this.items.map(item => {
      const li = document.createElement('li');
      li.className = 'attachment';
      const image = document.createElement('img');
      image.src = item.dataUrl;
      image.alt = '';
      const name = document.createElement('span');
      name.className = 'attachment-name';
      name.textContent = item.name;
      const size = document.createElement('span');
      size.className = 'attachment-size';
      size.textContent = formatBytes(item.size);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'button small';
      remove.textContent = '×';
      remove.setAttribute('aria-label', `Remove ${item.name}`);
      remove.addEventListener('click', () => this.remove(item.id));
      li.append(image, name, size, remove);
      return li;
    }));
    this.list.hidden = this.items.length === 0;
  }
}

function readDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
