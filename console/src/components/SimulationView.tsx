import { useState } from 'preact/hooks';
import { api, describeError } from '../api';
import type { Simulation } from '../types';
import { Histogram } from './Histogram';
import { ErrorNote } from './Status';

type Bin = Simulation['histogram']['bins'][number];

/** POST …/simulate: the draft against the live version, nothing written. */
export function SimulationView({ profileId }: { profileId: string }) {
  const [sim, setSim] = useState<Simulation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setSim(await api<Simulation>('POST', `/profiles/${encodeURIComponent(profileId)}/simulate?top=10`));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  const maxMove = Math.max(1, ...(sim?.movers ?? []).map((m) => Math.abs(m.delta)));

  return (
    <section aria-labelledby="sim-h" class="card">
      <h2 id="sim-h">Simulate the draft</h2>
      <button type="button" onClick={() => void run()} disabled={busy}>
        {busy ? 'Simulating…' : 'Simulate'}
      </button>
      <ErrorNote error={error} />
      {sim && (
        <div data-testid="simulation" aria-live="polite">
          <p>
            {sim.changed} of {sim.contacts} contacts would change. Mean {fmt(sim.current.mean)} →{' '}
            {fmt(sim.draft.mean)}, median {fmt(sim.current.median)} → {fmt(sim.draft.median)}.
          </p>
          <Histogram<Bin>
            title="Score distribution: live version and draft"
            bins={sim.histogram.bins}
            series={[
              { key: 'current', label: 'Live', value: (b) => b.current, color: '#5b6b7f' },
              { key: 'draft', label: 'Draft', value: (b) => b.draft, color: '#1f6feb' },
            ]}
            thresholds={sim.triggers.flatMap((t) =>
              t.condition.value === undefined
                ? []
                : [
                    {
                      label: `${t.triggerId} ${t.condition.op} ${t.condition.value}`,
                      value: t.condition.value,
                      muted: t.paused,
                    },
                  ],
            )}
          />
          <h3>Trigger crossings</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">Trigger</th>
                <th scope="col" class="num">
                  Meet it now
                </th>
                <th scope="col" class="num">
                  With the draft
                </th>
                <th scope="col" class="num">
                  Entering
                </th>
                <th scope="col" class="num">
                  Leaving
                </th>
              </tr>
            </thead>
            <tbody>
              {sim.triggers.map((t) => (
                <tr key={t.triggerId}>
                  <td>
                    {t.triggerId}{' '}
                    <span class="muted">
                      {[t.condition.op, t.condition.value].filter((v) => v !== undefined).join(' ')}
                    </span>
                    {t.paused && <span class="tag">paused</span>}
                  </td>
                  <td class="num">{t.current}</td>
                  <td class="num">{t.simulated}</td>
                  <td class="num">{t.entering}</td>
                  <td class="num">{t.leaving}</td>
                </tr>
              ))}
              {sim.triggers.length === 0 && (
                <tr>
                  <td colSpan={5} class="muted">
                    No trigger watches this profile.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <h3 id="movers-h">Top movers</h3>
          <ul class="movers" aria-labelledby="movers-h">
            {sim.movers.map((m) => (
              <li key={m.contactId}>
                <span class="mover-name">{m.contactId}</span>
                <span class="mover-bar" aria-hidden="true">
                  <i
                    class={m.delta < 0 ? 'down' : 'up'}
                    style={{ width: `${(Math.abs(m.delta) / maxMove) * 100}%` }}
                  />
                </span>
                <span class="num">
                  {m.current ?? 'empty'} → {m.simulated} ({m.delta > 0 ? `+${m.delta}` : m.delta})
                </span>
              </li>
            ))}
            {sim.movers.length === 0 && <li class="muted">Nobody moves.</li>}
          </ul>
        </div>
      )}
    </section>
  );
}

const fmt = (n: number | null) => (n === null ? '—' : Number.isInteger(n) ? String(n) : n.toFixed(1));
