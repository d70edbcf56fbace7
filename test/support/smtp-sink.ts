import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  envelopeFrom: string | undefined;
  envelopeTo: string[];
  /** Header values by lower-case name (unfolded). */
  headers: Record<string, string>;
  messageId: string | undefined;
  subject: string | undefined;
  body: string;
}

interface Rejection {
  code: number;
  message: string;
}

/**
 * A real SMTP server on an ephemeral port, in the test process, that keeps what it accepts.
 * It can refuse the next messages (`rejectNextMessages`, answered after DATA) or given recipients
 * (`rejectRecipient`, answered to RCPT TO) with a chosen reply code.
 */
export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  rejectNextMessages(count: number, code: number, message?: string): void;
  rejectRecipient(address: string, code: number, message?: string): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const messageRejections: Rejection[] = [];
  const recipientRejections = new Map<string, Rejection>();
  const smtpError = ({ code, message }: Rejection) =>
    Object.assign(new Error(message), { responseCode: code });

  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP: the built-in test certificate would fail the client's certificate check.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const rejection = recipientRejections.get(address.address.toLowerCase());
      callback(rejection && smtpError(rejection));
    },
    onData(stream, session, callback) {
      readAll(stream).then(
        (raw) => {
          const rejection = messageRejections.shift();
          if (rejection) return callback(smtpError(rejection));
          received.push(parse(raw, session.envelope.mailFrom, session.envelope.rcptTo));
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    rejectNextMessages(count, code, message = 'Try again later') {
      for (let i = 0; i < count; i++) messageRejections.push({ code, message });
    },
    rejectRecipient(address, code, message = 'No such user here') {
      recipientRejections.set(address.toLowerCase(), { code, message });
    },
    reset() {
      received.length = 0;
      messageRejections.length = 0;
      recipientRejections.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readAll(stream: SMTPServerDataStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parse(
  raw: string,
  mailFrom: false | { address: string },
  rcptTo: ReadonlyArray<{ address: string }>,
): ReceivedMail {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    envelopeFrom: mailFrom ? mailFrom.address : undefined,
    envelopeTo: rcptTo.map((r) => r.address),
    headers,
    messageId: headers['message-id'],
    subject: headers.subject,
    body,
  };
}
