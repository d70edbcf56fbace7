import { createHmac, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver as a customer would write one (node:http): it verifies Pulse-Signature with
 * the algorithm the README documents (written out here, not imported from Pulse), deduplicates by
 * Idempotency-Key, and counts every attempt. What it answers is scripted per path: 'fail' (500),
 * 'hang' (no answer until the client gives up), a status, or, when the script runs out, 200.
 */

export type Reply = 'hang' | number;

export interface ReceivedAttempt {
  path: string;
  idempotencyKey: string;
  timestamp: string;
  signature: string;
  body: string;
  signatureValid: boolean;
  answered: Reply;
}

export interface WebhookReceiver {
  url(path: string): string;
  /** Answers for the next attempts on `path`, in order; afterwards 200. */
  script(path: string, replies: Reply[]): void;
  setSecret(secret: string): void;
  attempts(path?: string): ReceivedAttempt[];
  /** Deliveries accepted (answered 2xx), once per Idempotency-Key. */
  accepted(): Map<string, ReceivedAttempt>;
  close(): Promise<void>;
}

/** The README's verification, verbatim in spirit: HMAC-SHA256 over `${timestamp}.${rawBody}`. */
function verify(secret: string, req: IncomingMessage, rawBody: string): boolean {
  const timestamp = String(req.headers['pulse-timestamp'] ?? '');
  const signature = String(req.headers['pulse-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return (
    signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const scripts = new Map<string, Reply[]>();
  const attempts: ReceivedAttempt[] = [];
  const accepted = new Map<string, ReceivedAttempt>();
  const hanging = new Set<http.ServerResponse>();
  let secret = '';

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const reply = scripts.get(path)?.shift() ?? 200;
      const attempt: ReceivedAttempt = {
        path,
        idempotencyKey: String(req.headers['idempotency-key'] ?? ''),
        timestamp: String(req.headers['pulse-timestamp'] ?? ''),
        signature: String(req.headers['pulse-signature'] ?? ''),
        body,
        signatureValid: verify(secret, req, body),
        answered: reply,
      };
      attempts.push(attempt);
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      if (reply >= 200 && reply < 300 && attempt.signatureValid) {
        // A duplicate is acknowledged without acting again: the key is the receiver's dedup.
        if (!accepted.has(attempt.idempotencyKey)) accepted.set(attempt.idempotencyKey, attempt);
      }
      res.writeHead(attempt.signatureValid ? reply : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: reply < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    script: (path, replies) => scripts.set(path, [...replies]),
    setSecret: (s) => {
      secret = s;
    },
    attempts: (path) => attempts.filter((a) => path === undefined || a.path === path),
    accepted: () => accepted,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
