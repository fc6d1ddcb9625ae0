/**
 * What every consumer of GitHub's webhook needs before it reads a delivery:
 * the HMAC signature (X-Hub-Signature-256, compared in constant time) must
 * match the body, and each delivery id is handled once. A bad signature is
 * refused (401) and logged without the body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PipelaneError } from '../errors.js';
import type { Store } from '../ports/store.js';
import { readBody } from './request.js';
import { json, type Reply } from './respond.js';

/** The idempotency scope of deliveries. */
export const DELIVERY_SCOPE = 'github-delivery';

/** GitHub caps payloads at 25 MB. */
const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface DeliveryOptions {
  /** PIPELANE_GITHUB_WEBHOOK_SECRET; without it every delivery is refused. */
  secret: string | undefined;
  store: Pick<Store, 'claimOnce'>;
  now(): number;
  warn(fields: Record<string, unknown>, message: string): void;
}

export type Delivery =
  | { kind: 'event'; event: string; delivery: string | undefined; body: Buffer }
  /** Answered already: a ping, or a delivery seen before. */
  | { kind: 'answered'; reply: Reply };

/** Reads and verifies one delivery; throws SIGNATURE_INVALID (401) when it cannot be trusted. */
export async function receiveDelivery(req: IncomingMessage, options: DeliveryOptions): Promise<Delivery> {
  const event = header(req, 'x-github-event') ?? '';
  const delivery = header(req, 'x-github-delivery');
  const who = { event, delivery: delivery ?? null, remote: req.socket.remoteAddress ?? null };
  if (!options.secret) {
    req.resume();
    options.warn(who, 'refused a webhook delivery: no webhook secret is configured (PIPELANE_GITHUB_WEBHOOK_SECRET)');
    throw new PipelaneError('SIGNATURE_INVALID', 'webhooks are refused: the daemon has no PIPELANE_GITHUB_WEBHOOK_SECRET to verify them with.');
  }
  const body = await readBody(req, MAX_PAYLOAD_BYTES);
  if (!verifySignature(options.secret, body, header(req, 'x-hub-signature-256'))) {
    options.warn({ ...who, bytes: body.length }, 'refused a webhook delivery: its X-Hub-Signature-256 does not match');
    throw new PipelaneError('SIGNATURE_INVALID', 'the X-Hub-Signature-256 of the delivery does not match its body; nothing was done.');
  }
  if (event === 'ping') return { kind: 'answered', reply: json(200, { outcome: 'pong' }) };
  if (delivery && !options.store.claimOnce(DELIVERY_SCOPE, delivery, options.now())) {
    return { kind: 'answered', reply: json(200, { outcome: 'duplicate' }) };
  }
  return { kind: 'event', event, delivery, body };
}
