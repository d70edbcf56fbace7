import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that speaks the part of Twilio's REST API Pulse uses: POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded (To, From, Body), HTTP Basic auth
 * with the Account SID and auth token, 201 with a Message resource; errors in Twilio's shape
 * ({ code, message, more_info, status }). Replies are scripted: a status (with a Twilio error
 * code for 4xx) per request, then 201.
 */

export interface TwilioRequest {
  path: string;
  authorization: string;
  form: Record<string, string>;
  answered: number;
}

export interface FakeTwilio {
  baseUrl: string;
  script(replies: Array<{ status: number; code?: number }>): void;
  requests: TwilioRequest[];
  close(): Promise<void>;
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  let replies: Array<{ status: number; code?: number }> = [];
  const requests: TwilioRequest[] = [];
  let sent = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/i.exec(req.url ?? '');
      const reply =
        match && req.method === 'POST' ? (replies.shift() ?? { status: 201 }) : { status: 404, code: 20404 };
      requests.push({
        path: req.url ?? '',
        authorization: req.headers.authorization ?? '',
        form,
        answered: reply.status,
      });
      res.setHeader('content-type', 'application/json');
      if (reply.status === 201) {
        sent += 1;
        res.writeHead(201);
        res.end(
          JSON.stringify({
            sid: `SM${String(sent).padStart(32, '0')}`,
            account_sid: match![1],
            to: form.To,
            from: form.From,
            body: form.Body,
            status: 'queued',
            num_segments: '1',
            direction: 'outbound-api',
            api_version: '2010-04-01',
            date_created: new Date().toUTCString(),
          }),
        );
        return;
      }
      res.writeHead(reply.status);
      res.end(
        JSON.stringify({
          code: reply.code ?? 20500,
          message: reply.code === 21211 ? `The 'To' number ${form.To} is not a valid phone number.` : 'error',
          more_info: `https://www.twilio.com/docs/errors/${reply.code ?? 20500}`,
          status: reply.status,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script: (next) => {
      replies = [...next];
    },
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
