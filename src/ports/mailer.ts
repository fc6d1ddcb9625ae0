/** Sending mail: approval requests, reminders, failure notices. */
export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType?: string;
}

export interface OutgoingMail {
  /** The sender; the mailer's own default when absent. */
  from?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  /** Resolves when the server accepted the mail; throws MAIL_FAILED (retryable) when it did not. */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}
