import { createHmac } from 'node:crypto';
import { AddressRefusedError, refusedRange, resolveAllowed } from '../../activities/webhooks/address-guard';
import { signatureOf, verifySignature } from '../../activities/webhooks/signature';
import { webhookNotify } from '../../domain/automations/webhook-notify';

describe('the webhook address guard', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.10', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'this network'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped'],
  ])('refuses %s (%s)', (address, label) => {
    expect(refusedRange(address)).toContain(label);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(refusedRange(address)).toBeUndefined();
    },
  );

  it('refuses a literal private address unless private addresses are allowed', async () => {
    await expect(resolveAllowed('10.0.0.5', false)).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(resolveAllowed('[::1]', false)).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(resolveAllowed('10.0.0.5', true)).resolves.toEqual([{ address: '10.0.0.5', family: 4 }]);
  });
});

describe('the webhook signature', () => {
  const body = '{"id":"whk_1","event":"lead.hot"}';

  it('is HMAC-SHA256 over "timestamp.body", hex, prefixed v1= (the documented algorithm)', () => {
    const expected = createHmac('sha256', 'whsec_x').update(`1765400000.${body}`).digest('hex');
    expect(signatureOf('whsec_x', 1765400000, body)).toBe(`v1=${expected}`);
  });

  it('verifies, and refuses another body, another secret or an old timestamp', () => {
    const now = 1765400000;
    const header = { timestamp: String(now), signature: signatureOf('whsec_x', now, body) };
    expect(verifySignature('whsec_x', header, body, { nowSeconds: now + 10 })).toBe(true);
    expect(verifySignature('whsec_x', header, `${body} `, { nowSeconds: now })).toBe(false);
    expect(verifySignature('whsec_y', header, body, { nowSeconds: now })).toBe(false);
    expect(verifySignature('whsec_x', header, body, { nowSeconds: now + 301 })).toBe(false);
  });
});

describe('the webhook_notify declaration', () => {
  it('takes an http(s) URL and an event name, and refuses anything else by field', () => {
    expect(webhookNotify.params.parse({})).toEqual({ event: 'score.threshold_crossed' });
    expect(webhookNotify.params.safeParse({ url: 'ftp://example.com/x' }).success).toBe(false);
    expect(webhookNotify.params.safeParse({ event: 'Not An Event' }).success).toBe(false);
    expect(webhookNotify.params.safeParse({ urls: 'https://example.com' }).success).toBe(false);
  });
});
