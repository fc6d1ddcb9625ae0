/**
 * Link tokens and CSRF tokens. A link token is 32 random bytes, sent only in
 * the mail; the store keeps its SHA-256, so a copy of the database opens no
 * task. The CSRF token of a page is an HMAC of a random nonce (kept in a
 * SameSite=Strict cookie) and the link: a POST must carry both, which a
 * page on another site cannot.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A token as it can appear in a link: base64url of 32 bytes. Anything else is refused before a look-up. */
export function looksLikeToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export class CsrfGuard {
  constructor(private readonly key: Buffer) {}

  newNonce(): string {
    return randomBytes(18).toString('base64url');
  }

  tokenFor(nonce: string, tokenHash: string): string {
    return createHmac('sha256', this.key).update(`${nonce}.${tokenHash}`).digest('base64url');
  }

  check(nonce: string | undefined, given: string | undefined, tokenHash: string): boolean {
    if (!nonce || !given) return false;
    const want = Buffer.from(this.tokenFor(nonce, tokenHash));
    const got = Buffer.from(given);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}

export const CSRF_COOKIE = 'pipelane_csrf';
