/** A refused action shown on the page it came from: the user's own mistake, in their language. */
import { Problem } from '../http/problem.js';
import type { Lang } from '../domain/messages.js';
import { UserError } from '../domain/user-error.js';
import { html, type SafeHtml } from './html.js';

/** The alert for an error the user can fix; null for anything else (a bug: let it be a 500). */
export function alertFor(lang: Lang, e: unknown, more: (e: UserError) => SafeHtml = () => html``): SafeHtml | null {
  if (e instanceof UserError) return html`<div class="alert" role="alert">${e.text[lang]}${more(e)}</div>`;
  if (e instanceof Problem && e.status < 500) return html`<div class="alert" role="alert">${e.detail[lang]}</div>`;
  return null;
}
