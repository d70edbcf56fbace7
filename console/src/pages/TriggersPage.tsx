import { useState } from 'preact/hooks';
import { automationLabel } from '../../../domain/automations/external';
import { api, describeError, get } from '../api';
import type { Session } from '../app';
import { RunList } from '../components/RunList';
import { ErrorNote, Loading } from '../components/Status';
import { allows } from '../session';
import type { AutomationRun, TriggerRecord } from '../types';
import { useLoad } from '../use-load';

export function TriggersPage({ session }: { session: Session }) {
  const triggers = useLoad(() => get<{ triggers: TriggerRecord[] }>('/triggers'), []);
  const counts = useLoad(
    () => get<{ triggers: { triggerId: string; fires: number }[] }>('/automation-runs/fire-counts'),
    [],
  );
  const runs = useLoad(() => get<{ runs: AutomationRun[] }>('/automation-runs?limit=20'), []);
  const [error, setError] = useState<string | null>(null);
  const admin = allows(session.me, 'admin');
  const fires = new Map((counts.data?.triggers ?? []).map((c) => [c.triggerId, c.fires]));

  const setPaused = async (id: string, paused: boolean) => {
    setError(null);
    try {
      await api('PATCH', `/triggers/${encodeURIComponent(id)}`, { paused });
      triggers.reload();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <>
      <h1>Triggers</h1>
      <ErrorNote error={triggers.error ?? error} />
      <Loading when={triggers.loading && !triggers.data}>
        <div class="table-wrap">
          <table aria-label="Triggers">
            <thead>
              <tr>
                <th scope="col">Trigger</th>
                <th scope="col">Condition</th>
                <th scope="col">Automation</th>
                <th scope="col" class="num">
                  Fires
                </th>
                <th scope="col">Active</th>
              </tr>
            </thead>
            <tbody>
              {(triggers.data?.triggers ?? []).map(({ trigger: t }) => (
                <tr key={t.id}>
                  <td>{t.id}</td>
                  <td>
                    {t.profileId} score {t.condition.op.replace(/_/g, ' ')} {t.condition.value ?? ''}
                    <span class="muted">
                      {' '}
                      · {t.mode.replace('_', ' ')} · {t.reentry.policy}
                    </span>
                  </td>
                  <td>{automationLabel(t.automation)}</td>
                  <td class="num" data-testid={`fires-${t.id}`}>
                    {fires.get(t.id) ?? (counts.error ? '?' : '…')}
                  </td>
                  <td>
                    {admin ? (
                      <label class="switch">
                        <input
                          type="checkbox"
                          role="switch"
                          checked={!t.paused}
                          aria-label={`${t.id} active`}
                          onChange={(e) => void setPaused(t.id, !e.currentTarget.checked)}
                        />
                        <span>{t.paused ? 'paused' : 'active'}</span>
                      </label>
                    ) : (
                      <span>{t.paused ? 'paused' : 'active'}</span>
                    )}
                  </td>
                </tr>
              ))}
              {triggers.data?.triggers.length === 0 && (
                <tr>
                  <td colSpan={5} class="muted">
                    No triggers.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </Loading>
      {counts.error && <p class="muted">Fire counts need Temporal: {counts.error}</p>}
      <section aria-labelledby="runs-h">
        <h2 id="runs-h">Recent automation runs</h2>
        <ErrorNote error={runs.error} />
        <button type="button" class="secondary" onClick={runs.reload}>
          Refresh
        </button>
        <RunList runs={runs.data?.runs ?? []} settings={session.settings} />
      </section>
    </>
  );
}
