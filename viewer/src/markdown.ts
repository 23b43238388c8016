import MarkdownIt from 'markdown-it';
import { h } from './dom';

/**
 * Model output is untrusted. It is rendered with markdown-it with raw HTML
 * disabled (so `<script>`, `<img onerror>` appear as text), images disabled
 * (no requests to places the model names) and links limited to http(s),
 * mailto and relative URLs (no `javascript:`, `data:`, `vbscript:`).
 */

const SAFE_SCHEME = /^(https?:|mailto:)/i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export function isSafeLink(url: string): boolean {
  // Strip what browsers ignore before the scheme (whitespace, control characters).
  // eslint-disable-next-line no-control-regex
  const u = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (SAFE_SCHEME.test(u)) return true;
  return !ANY_SCHEME.test(u) && !u.startsWith('\\');
}

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
md.disable('image');
md.validateLink = isSafeLink;

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const t = tokens[idx];
  if (t) {
    t.attrSet('rel', 'noopener noreferrer nofollow');
    t.attrSet('target', '_blank');
  }
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Untrusted text → a <div class="md"> of escaped, sanitised markup. */
export function renderMarkdown(text: string): HTMLElement {
  const el = h('div', { class: 'md' });
  el.innerHTML = md.render(text); // markdown-it output: raw HTML escaped (html: false), links validated
  return el;
}
