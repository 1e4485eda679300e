/**
 * A request the user can fix: what is wrong and what to do, in both languages. Features throw it;
 * the web, the API and the CLI each show it their way (problem details, a flash message, stderr).
 */
import type { Message } from './messages.js';

export type UserErrorKind = 'invalid' | 'conflict' | 'not_found' | 'forbidden';

export class UserError extends Error {
  constructor(
    readonly kind: UserErrorKind,
    readonly code: string,
    readonly text: Message,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(text.en);
    this.name = 'UserError';
  }
}
