// Building the page without innerHTML: every value from the API becomes a text node, so nothing a
// payer or a shop wrote (an order reference, a webhook error) can inject markup or script.

/** An element: h('a', {href: '#/x', class: 'c'}, 'text', child, ...). on* attributes take functions. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `element` shows. */
export function show(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A table with a caption, column headers and one row per item (cells from `cells(item)`). */
export function table(caption, headers, items, cells, attributes = {}) {
  return h('table', attributes,
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, items.map((item) => h('tr', {}, cells(item).map((cell) => h('td', {}, cell))))));
}

/** A definition list of [term, value] pairs, skipping absent values. */
export function facts(pairs, attributes = {}) {
  return h('dl', { class: 'facts', ...attributes },
    pairs.filter(([, value]) => value !== null && value !== undefined && value !== '')
      .map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

/** RFC 3339 (as the API sends) to "2026-12-06 21:23:16 UTC". */
export function time(text) {
  if (!text) return '';
  return text.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') + ' UTC';
}

/** A short form of a long hex value (a hash, an address), the whole value in its title. */
export function shortHex(value) {
  if (!value) return '';
  return h('code', { title: value }, value.length > 18 ? `${value.slice(0, 10)}…${value.slice(-6)}` : value);
}

/** A label and its control, tied by id (every control has a visible label). */
export function field(id, label, control, hint) {
  control.id = id;
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
}
