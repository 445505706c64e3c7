// The application: sign-in, the navigation between screens, and what the token's scopes allow.

import './style.css';
import { get, setToken, token } from './api.js';
import { busy, fill, h, showError } from './dom.js';
import { alertsScreen } from './alerts.js';
import { editorScreen } from './editor.js';
import { ruleSetsScreen } from './rulesets.js';
import { webhooksScreen } from './webhooks.js';

const app = document.getElementById('app');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

/** The signed-in token: {name, scopes}, with can(scope). */
let session = null;
let leave = null;
/** The hash the current screen was opened for: where a cancelled navigation goes back to. */
let shown = null;

/** Whether the screen may be left: yes, unless it holds unsaved edits and the user says to stay. */
function mayLeave() {
  return !(leave && leave.unsaved && leave.unsaved())
    || window.confirm('This rule set has changes that are not deployed (a draft of them is kept in this browser). Leave it?');
}

function can(scope) {
  return !!session && (session.scopes.includes('admin') || session.scopes.includes(scope));
}

async function signIn(value) {
  setToken(value);
  try {
    const self = await get('/api/v1/tokens/self');
    session = { name: self.name, scopes: self.scopes, can };
  } catch (e) {
    setToken(null);
    session = null;
    throw e;
  }
}

function signInScreen(error) {
  const input = h('input', { type: 'password', id: 'token', placeholder: 'vgl_...', autocomplete: 'off', size: 50 });
  const slot = h('div');
  const form = h('form.signin', {
    onsubmit: (ev) => {
      ev.preventDefault();
      busy(form.querySelector('button'), slot, async () => {
        await signIn(input.value.trim());
        history.replaceState(null, '', location.pathname);
        route();
      });
    },
  },
  h('h1', 'Sign in'),
  h('p', 'Paste a Vigil token. It is kept for this browser tab only; the admin token is in data/admin-token.'),
  h('label', 'Token ', input),
  h('button.primary', { type: 'submit', id: 'signin' }, 'Sign in'),
  slot);
  if (error) showError(slot, error);
  fill(nav);
  fill(who);
  fill(app, form);
  input.focus();
}

function signOut() {
  if (!mayLeave()) return;
  setToken(null);
  session = null;
  history.replaceState(null, '', location.pathname);
  route();
}

function renderNav(current) {
  const link = (hash, label, scope) => (can(scope)
    ? h('a', { href: hash, className: current === hash ? 'active' : '' }, label)
    : h('span.disabled', { title: `the token lacks the scope ${scope}` }, label));
  fill(nav,
    link('#/rulesets', 'Rule sets', 'rules:read'),
    link('#/alerts', 'Live alerts', 'alerts:read'),
    link('#/webhooks', 'Webhooks', 'webhooks:write'));
  fill(who, h('span', { title: session.scopes.join(', ') }, `${session.name} (${session.scopes.join(', ')})`),
    h('button', { id: 'signout', onclick: signOut }, 'Sign out'));
}

async function route() {
  if (leave) {
    leave();
    leave = null;
  }
  if (!session) {
    if (!token()) return signInScreen();
    try {
      await signIn(token());
    } catch (e) {
      return signInScreen(e);
    }
  }
  const first = ['#/rulesets', '#/alerts', '#/webhooks'].find((hash, i) => can(['rules:read', 'alerts:read', 'webhooks:write'][i]));
  shown = location.hash;
  const [path, query] = (location.hash || first || '#/rulesets').split('?');
  const [, screen, name] = path.split('/');
  renderNav(`#/${screen}`);
  fill(app);
  if (screen === 'alerts') leave = alertsScreen(app, session);
  else if (screen === 'webhooks') leave = webhooksScreen(app, session);
  else if (screen === 'editor' && name) leave = editorScreen(app, session, decodeURIComponent(name), new URLSearchParams(query || ''));
  else leave = ruleSetsScreen(app, session);
}

window.addEventListener('hashchange', () => {
  if (location.hash === shown) return;
  if (!mayLeave()) {
    history.replaceState(null, '', shown || location.pathname);
    return;
  }
  route();
});
window.addEventListener('beforeunload', (ev) => {
  if (leave && leave.unsaved && leave.unsaved()) {
    ev.preventDefault();
    ev.returnValue = '';
  }
});
route();
