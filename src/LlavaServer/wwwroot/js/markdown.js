// A small Markdown renderer for answers: paragraphs, headings, lists, quotes, rules, tables, fenced code,
// and inline code, emphasis, strike-through and links. It builds DOM nodes and never parses HTML, so
// whatever a model writes ends up as text. An unclosed fence renders as code to the end, which is what a
// half-streamed answer needs.

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_DIVIDER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
const INDENTED = /^(?: {2,}|\t)/;

// Alternatives, in order: backslash escape, code span, strong, emphasis, strike-through, link, bare URL.
const INLINE = new RegExp([
  String.raw`\\([\\\x60*_{}\[\]()#+\-.!|~>])`,
  String.raw`(\x60+)([^\x60]|[^\x60][\s\S]*?[^\x60])\2(?!\x60)`,
  String.raw`\*\*(?=\S)([\s\S]*?\S)\*\*|(?<![\w])__(?=\S)([\s\S]*?\S)__(?!\w)`,
  String.raw`\*(?=[^\s*])([\s\S]*?[^\s*])\*|(?<![\w])_(?=[^\s_])([\s\S]*?[^\s_])_(?!\w)`,
  String.raw`~~(?=\S)([\s\S]*?\S)~~`,
  String.raw`\[([^\]\n]+)\]\(\s*([^\s)]+)\s*\)`,
  String.raw`\b(https?:\/\/[^\s<>]*[^\s<>.,;:!?'")\]])`,
].join('|'));

/** Renders Markdown text to a fragment of elements. */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  renderBlocks(text.replace(/\r\n?/g, '\n').split('\n'), fragment);
  return fragment;
}

function renderBlocks(lines, parent) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let match;
    if (!line.trim()) {
      i++;
    } else if ((match = FENCE.exec(line))) {
      i = codeBlock(lines, i, match, parent);
    } else if ((match = HEADING.exec(line))) {
      // Answers sit under the page's h1 and h2, so their top level starts at h3.
      const level = Math.min(match[1].length + 2, 6);
      parent.append(inlineElement(`h${level}`, match[2]));
      i++;
    } else if (RULE.test(line)) {
      parent.append(document.createElement('hr'));
      i++;
    } else if (QUOTE.test(line)) {
      i = blockquote(lines, i, parent);
    } else if (LIST_ITEM.test(line)) {
      i = list(lines, i, parent);
    } else if (isTableStart(lines, i)) {
      i = table(lines, i, parent);
    } else {
      i = paragraph(lines, i, parent);
    }
  }
}

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line);
}

function codeBlock(lines, start, match, parent) {
  const marker = match[1];
  const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
  const body = [];
  let i = start + 1;
  while (i < lines.length && !closing.test(lines[i])) body.push(lines[i++]);
  const language = match[2];

  const block = element('div', 'code-block');
  const header = element('div', 'code-header');
  header.append(element('span', 'code-language', language || 'code'));
  const copy = element('button', 'button small copy-code', 'Copy');
  copy.type = 'button';
  copy.dataset.action = 'copy-code';
  copy.setAttribute('aria-label', language ? `Copy ${language} code` : 'Copy code');
  header.append(copy);
  const pre = element('pre');
  // A long line makes the block scroll sideways; keyboard users need to be able to focus it to scroll.
  pre.tabIndex = 0;
  const code = element('code', null, body.join('\n'));
  pre.append(code);
  block.append(header, pre);
  parent.append(block);
  return i + 1;
}

function blockquote(lines, start, parent) {
  const inner = [];
  let i = start;
  while (i < lines.length) {
    const match = QUOTE.exec(lines[i]);
    if (match) inner.push(match[1]);
    else if (lines[i].trim() && !startsBlock(lines[i])) inner.push(lines[i]);
    else break;
    i++;
  }
  const quote = document.createElement('blockquote');
  renderBlocks(inner, quote);
  parent.append(quote);
  return i;
}

function list(lines, start, parent) {
  const first = LIST_ITEM.exec(lines[start]);
  const ordered = /\d/.test(first[2]);
  const listElement = document.createElement(ordered ? 'ol' : 'ul');
  if (ordered && parseInt(first[2], 10) !== 1) listElement.start = parseInt(first[2], 10);

  let i = start;
  while (i < lines.length) {
    const item = LIST_ITEM.exec(lines[i]);
    if (!item || /\d/.test(item[2]) !== ordered) break;
    const content = [item[3]];
    i++;
    while (i < lines.length) {
      const line = lines[i];
      if (!line.trim()) {
        // A blank line ends the item unless indented content follows.
        if (i + 1 < lines.length && INDENTED.test(lines[i + 1])) {
          content.push('');
          i++;
          continue;
        }
        break;
      }
      if (INDENTED.test(line)) content.push(line.replace(/^(?: {1,4}|\t)/, ''));
      else if (!startsBlock(line)) content.push(line);
      else break;
      i++;
    }
    const li = document.createElement('li');
    renderBlocks(content, li);
    listElement.append(li);
    if (i < lines.length && !lines[i].trim() && i + 1 < lines.length && LIST_ITEM.test(lines[i + 1])) i++;
  }
  parent.append(listElement);
  return i;
}

function isTableStart(lines, i) {
  return i + 1 < lines.length && lines[i].includes('|') && lines[i + 1].includes('|') && lines[i + 1].includes('-')
    && TABLE_DIVIDER.test(lines[i + 1]);
}

function table(lines, start, parent) {
  const alignments = cells(lines[start + 1]).map(cell => {
    const left = cell.startsWith(':');
    const right = cell.endsWith(':');
    return left && right ? 'center' : right ? 'right' : left ? 'left' : null;
  });
  const tableElement = document.createElement('table');
  const head = tableElement.createTHead().insertRow();
  cells(lines[start]).forEach((cell, column) => {
    const th = inlineElement('th', cell);
    th.scope = 'col';
    align(th, alignments[column]);
    head.append(th);
  });
  const body = tableElement.createTBody();
  let i = start + 2;
  while (i < lines.length && lines[i].trim() && lines[i].includes('|')) {
    const row = body.insertRow();
    cells(lines[i]).forEach((cell, column) => {
      const td = inlineElement('td', cell);
      align(td, alignments[column]);
      row.append(td);
    });
    i++;
  }
  const scroller = element('div', 'table-scroll');
  scroller.tabIndex = 0;
  scroller.append(tableElement);
  parent.append(scroller);
  return i;
}

function cells(line) {
  return line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/).map(cell => cell.trim().replace(/\\\|/g, '|'));
}

function align(cell, alignment) {
  if (alignment) cell.classList.add(`align-${alignment}`);
}

function paragraph(lines, start, parent) {
  const p = document.createElement('p');
  let i = start;
  while (i < lines.length && lines[i].trim() && (i === start || (!startsBlock(lines[i]) && !isTableStart(lines, i)))) {
    // Chat models mean a single newline as a line break, not as a space.
    if (i > start) p.append(document.createElement('br'));
    renderInline(lines[i].trim(), p);
    i++;
  }
  parent.append(p);
  return i;
}

/** @param {boolean} inLink inside a link's text, where another link cannot be (a link may not contain one) */
function renderInline(text, parent, inLink = false) {
  let rest = text;
  while (rest) {
    const match = INLINE.exec(rest);
    if (!match) {
      parent.append(rest);
      return;
    }
    if (match.index > 0) parent.append(rest.slice(0, match.index));
    parent.append(inlineNode(match, inLink));
    rest = rest.slice(match.index + match[0].length);
  }
}

function inlineNode(match, inLink) {
  const [whole, escaped, , code, strong, strongAlt, em, emAlt, strike, linkText, linkTarget, bareUrl] = match;
  if (escaped !== undefined) return escaped;
  if (code !== undefined) return element('code', null, code.trim() || code);
  if (strong !== undefined || strongAlt !== undefined) return inlineElement('strong', strong ?? strongAlt, inLink);
  if (em !== undefined || emAlt !== undefined) return inlineElement('em', em ?? emAlt, inLink);
  if (strike !== undefined) return inlineElement('del', strike, inLink);
  if (inLink) return whole;
  if (linkText !== undefined) {
    const href = safeHref(linkTarget);
    return href ? link(href, inlineElement('a', linkText, true)) : whole;
  }
  const href = safeHref(bareUrl);
  return href ? link(href, element('a', null, bareUrl)) : bareUrl;
}

function link(href, a) {
  a.href = href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

/** Only web and mail links: a model must not be able to produce a javascript: or data: link. */
function safeHref(target) {
  try {
    const url = new URL(target, document.baseURI);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

function inlineElement(tag, text, inLink = false) {
  const node = document.createElement(tag);
  renderInline(text, node, inLink);
  return node;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
