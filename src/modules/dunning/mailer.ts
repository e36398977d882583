import nodemailer from 'nodemailer';

/** One email as the outbox hands it to the transport. */
export interface OutgoingEmail {
  readonly from: string;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** The outbox row's id as the Message-ID, so a receiver can tell a resend from a new message. */
  readonly messageId: string;
  readonly attachments: readonly { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string; response: string }>;
  close(): Promise<void>;
}

/**
 * A mailer over SMTP (nodemailer): `smtp://host:port` (STARTTLS when the server offers it),
 * `smtps://…` for implicit TLS, credentials in the URL. Timeouts are short: a slow server fails the
 * attempt, and the outbox tries again later.
 */
export function createSmtpMailer(url: string, options: { timeoutMs?: number } = {}): Mailer {
  const timeout = options.timeoutMs ?? 30_000;
  const u = new URL(url);
  const transport = nodemailer.createTransport({
    host: u.hostname,
    port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 25)),
    secure: u.protocol === 'smtps:',
    ...(u.username
      ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }
      : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // A test or internal relay on loopback may present a self-made certificate.
    tls: { rejectUnauthorized: !['127.0.0.1', 'localhost', '::1'].includes(u.hostname) },
  });
  return {
    async send(email) {
      const info = await transport.sendMail({
        from: email.from,
        to: [...email.to],
        cc: [...email.cc],
        subject: email.subject,
        text: email.text,
        messageId: `<${email.messageId}@arbor>`,
        attachments: email.attachments.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
        })),
      });
      return { messageId: String(info.messageId ?? ''), response: String(info.response ?? '') };
    },
    async close() {
      transport.close();
    },
  };
}

/**
 * A failure that retrying will not cure: the server refused the message or its recipients for good
 * (an SMTP 5xx reply). Connection errors, timeouts and 4xx replies are worth another attempt.
 */
export function isPermanentMailError(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export function describeMailError(error: unknown): string {
  if (error instanceof Error) {
    const e = error as Error & { code?: string; responseCode?: number; response?: string };
    const parts = [e.code, e.responseCode === undefined ? undefined : String(e.responseCode), e.message];
    return parts.filter((p) => p !== undefined && p !== '').join(' ');
  }
  return String(error);
}
