import fs from 'node:fs';
import { DEFAULT_RULES } from '../../domain/default-rules';
import { startHarness } from '../support/harness';
import { seedAppliedHistory } from '../support/scoring-fixtures';
it('manual', async () => {
  const h = await startHarness();
  const a = await h.newAccount();
  await a.call('POST', '/profiles', { id: 'engagement', name: 'Engagement', rules: DEFAULT_RULES });
  await a.call('POST', '/profiles/engagement/publish');
  await a.call('POST', '/contacts', { id: 'ada', name: 'Ada', email: 'ada@example.com' });
  await seedAppliedHistory(h.db, a.accountId, { contacts: 5000, interactionsPerContact: 2, types: ['email_opened', 'email_clicked'] });
  fs.writeFileSync('/tmp/pulse-env', `export PULSE_API_URL=${h.baseUrl} PULSE_API_KEY=${a.keys.admin} READKEY=${a.keys.read}\n`);
  await new Promise((r) => setTimeout(r, 240_000));
  await h.shutdown();
}, 300_000);
