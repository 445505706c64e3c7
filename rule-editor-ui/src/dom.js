// A small element builder and the way errors are shown next to what caused them.

import { userMessage } from './messages.js';

/** h('button.primary', {onclick}, 'Deploy'): an element with classes, attributes or properties, children. */
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  // A child such as 0 is shown, not taken for missing attributes.
  if (attrs !== undefined && attrs !== null && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
  } else if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k in el && k !== 'list' && k !== 'form') el[k] = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of {@code el}. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** An error box: the error in words the user can act on (see messages.js). */
export function errorBox(e) {
  return h('pre.error', { role: 'alert' }, userMessage(e));
}

/** Shows {@code e} in {@code slot} (cleared when e is null). */
export function showError(slot, e) {
  fill(slot, e ? errorBox(e) : null);
}

/** Runs {@code action} with {@code button} disabled; an error goes to {@code slot}, nothing fails silently. */
export async function busy(button, slot, action) {
  if (button) button.disabled = true;
  if (slot) showError(slot, null);
  try {
    return await action();
  } catch (e) {
    if (slot) showError(slot, e);
    else console.error(e);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function time(iso) {
  if (!iso) return '';
  return String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
