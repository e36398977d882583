/**
 * A real SMTP server for tests, run as its own process (`node --import tsx test/support/smtp-sink.ts`):
 * it listens on a loopback port, accepts mail without authentication, and writes one JSON line per
 * event to stdout — first `{"event":"listening","port":N}`, then a line per message received (envelope,
 * headers, text, attachments in base64). Tests read those lines (smtp-sink-process.ts).
 *
 *   --port N          port to listen on (0: any free one; default 0)
 *   --fail-first N    answer the first N messages with 451 (try again later), to exercise retries
 *   --reject RCPT     answer 550 (refused for good) to this recipient address
 */
import { parseArgs } from 'node:util';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'fail-first': { type: 'string', default: '0' },
    reject: { type: 'string', multiple: true, default: [] },
  },
});
let failuresLeft = Number(values['fail-first']);
const rejected = new Set((values.reject ?? []).map((r) => r.toLowerCase()));
const emit = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  banner: 'arbor test sink',
  onRcptTo(address, _session, callback) {
    if (rejected.has(address.address.toLowerCase())) {
      const err = new Error(`mailbox ${address.address} unavailable`) as Error & { responseCode: number };
      err.responseCode = 550;
      emit({ event: 'rejected', to: address.address });
      return callback(err);
    }
    callback();
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', async () => {
      if (failuresLeft > 0) {
        failuresLeft--;
        const err = new Error('try again later') as Error & { responseCode: number };
        err.responseCode = 451;
        emit({ event: 'deferred' });
        return callback(err);
      }
      const raw = Buffer.concat(chunks);
      const mail = await simpleParser(raw);
      emit({
        event: 'message',
        envelope: {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
        },
        messageId: mail.messageId ?? null,
        subject: mail.subject ?? '',
        to: (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) =>
          a.value.map((v) => v.address),
        ),
        cc: (Array.isArray(mail.cc) ? mail.cc : mail.cc ? [mail.cc] : []).flatMap((a) =>
          a.value.map((v) => v.address),
        ),
        text: mail.text ?? '',
        attachments: mail.attachments.map((a) => ({
          filename: a.filename ?? null,
          contentType: a.contentType,
          size: a.size,
          base64: a.content.toString('base64'),
        })),
      });
      callback();
    });
  },
});

server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.server.address();
  emit({ event: 'listening', port: typeof address === 'object' && address ? address.port : null });
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
