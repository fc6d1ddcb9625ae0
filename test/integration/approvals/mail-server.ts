/** A real SMTP server on loopback (smtp-server) that keeps every mail it receives, parsed (mailparser). */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll } from 'vitest';
import { SMTPServer } from 'smtp-server';

export class MailServer {
  readonly mails: ParsedMail[] = [];
  private readonly server: SMTPServer;
  private waiters: (() => void)[] = [];
  /** Set to make the server refuse the next mails (a failing SMTP peer). */
  refuse = false;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (this.refuse) {
            callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
            return;
          }
          void simpleParser(Buffer.concat(chunks)).then((mail) => {
            this.mails.push(mail);
            for (const w of this.waiters.splice(0)) w();
            callback();
          }, callback);
        });
      },
    });
  }

  /** Listens on `port` (0: a free one); returns the server's smtp:// URL. */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  /** The mails to an address, in the order they came. */
  to(address: string): ParsedMail[] {
    return this.mails.filter((m) => addresses(m).includes(address));
  }

  /** Waits until `count` mails matched `filter`, or fails after `timeoutMs`. */
  async waitFor(filter: (m: ParsedMail) => boolean, count = 1, timeoutMs = 10_000): Promise<ParsedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.mails.filter(filter);
      if (found.length >= count) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} mail(s), got ${found.length}: ${this.mails.map((m) => `${addresses(m).join(',')}: ${m.subject}`).join(' | ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function addresses(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((t) => t.value.map((v) => v.address ?? ''));
}

/** The approval link in a mail's text. */
export function linkIn(mail: ParsedMail): string {
  const m = /(https?:\/\/\S+\/approvals\/[A-Za-z0-9_-]{43})/.exec(mail.text ?? '');
  if (!m) throw new Error(`no approval link in the mail "${mail.subject}"`);
  return m[1]!;
}

/** One MailServer for a test file: listening before its tests, closed after them. `url()` is its smtp:// URL. */
export function mailServerForFile(): { smtp: MailServer; url: () => string } {
  const smtp = new MailServer();
  let url = '';
  beforeAll(async () => {
    url = await smtp.start();
  });
  afterAll(() => smtp.close());
  return { smtp, url: () => url };
}
