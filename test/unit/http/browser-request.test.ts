import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { checkBrowserRequest } from '../../../src/http/auth.js';

const req = (method: string, headers: Record<string, string>) => ({ method, headers }) as unknown as IncomingMessage;

describe('requests a browser could be made to send', () => {
  it('answers an API without tokens only under loopback names (DNS rebinding)', () => {
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', '127.3.4.5']) expect(() => checkBrowserRequest(req('GET', { host }), true)).not.toThrow();
    expect(() => checkBrowserRequest(req('GET', { host: 'evil.example:8080' }), true)).toThrow(/loopback names/);
    expect(() => checkBrowserRequest(req('GET', { host: 'pipelane.internal:8080' }), false)).not.toThrow();
  });

  it("refuses a change that a page of another site sends, and lets programs and the daemon's own page through", () => {
    expect(() => checkBrowserRequest(req('POST', { host: '127.0.0.1:8080', origin: 'https://evil.example' }), true)).toThrow(/another site/);
    expect(() => checkBrowserRequest(req('POST', { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' }), true)).not.toThrow();
    expect(() => checkBrowserRequest(req('POST', { host: '127.0.0.1:8080' }), true)).not.toThrow();
    expect(() => checkBrowserRequest(req('GET', { host: '127.0.0.1:8080', origin: 'https://evil.example' }), true)).not.toThrow();
  });
});
