import MarkdownIt from 'markdown-it';
import cjkFriendly from 'markdown-it-cjk-friendly';
import { h } from './dom.js';

/**
 * Model output is untrusted. It is rendered with markdown-it with raw HTML
 * disabled (so `<script>`, `<img onerror>` appear as text), images disabled
 * (no requests to places the model names) and links limited to http(s),
 * mailto and relative URLs (no `javascript:`, `data:`, `vbscript:`).
 *
 * Japanese answers bold a term next to Japanese punctuation (`**「重要」**です`),
 * which CommonMark's emphasis rules leave as literal asterisks; the CJK-friendly
 * rule (markdown-it-cjk-friendly) reads them as the writer meant. Table
 * alignment, which markdown-it writes as a `style` attribute (refused by the
 * viewer's CSP), becomes a class.
 */

const SAFE_SCHEME = /^(https?:|mailto:)/i;
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

export function isSafeLink(url: string): boolean {
  // Strip what browsers ignore before the scheme (whitespace, control characters).
  // eslint-disable-next-line no-control-regex -- these are exactly the characters to strip
  const u = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (SAFE_SCHEME.test(u)) return true;
  return !ANY_SCHEME.test(u) && !u.startsWith('\\');
}

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
md.use(cjkFriendly);
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

// `style="text-align:right"` → `class="align-right"` (styled in style.css).
for (const rule of ['th_open', 'td_open'] as const) {
  md.renderer.rules[rule] = (tokens, idx, options, _env, self) => {
    const t = tokens[idx];
    const style = t?.attrGet('style');
    if (t && style) {
      const align = /text-align:\s*(left|center|right)/.exec(style)?.[1];
      t.attrs = (t.attrs ?? []).filter(([name]) => name !== 'style');
      if (align) t.attrJoin('class', `align-${align}`);
    }
    return self.renderToken(tokens, idx, options);
  };
}

/** Untrusted text → escaped, sanitised markup (pure; for tests and for renderMarkdown). */
export function markdownHtml(text: string): string {
  return md.render(text);
}

/** Untrusted text → a <div class="md"> of escaped, sanitised markup. */
export function renderMarkdown(text: string): HTMLElement {
  const el = h('div', { class: 'md' });
  el.innerHTML = markdownHtml(text); // markdown-it output: raw HTML escaped (html: false), links validated
  return el;
}
