/** The Mailer port on nodemailer over SMTP. */
import nodemailer, { type Transporter } from 'nodemailer';
import { PipelaneError } from '../../errors.js';
import type { Mailer, OutgoingMail } from '../../ports/mailer.js';

export interface SmtpMailerOptions {
  /** smtp://user:pass@host:port or smtps://… */
  url: string;
  from: string;
}

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(private readonly options: SmtpMailerOptions) {
    this.transport = nodemailer.createTransport(options.url);
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    try {
      const info = await this.transport.sendMail({
        from: mail.from ?? this.options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        attachments: (mail.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, ...(a.contentType ? { contentType: a.contentType } : {}) })),
      });
      return { messageId: String(info.messageId) };
    } catch (error) {
      const host = safeHost(this.options.url);
      throw new PipelaneError('MAIL_FAILED', `the mail to ${mail.to} could not be sent through ${host}: ${(error as Error).message}`, { cause: error });
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** The server without the credentials, for messages. */
function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the SMTP server';
  }
}
