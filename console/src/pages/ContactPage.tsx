import { useState } from 'preact/hooks';
import { get } from '../api';
import { contactWorkflowId } from '../../../domain/ids';
import type { Session } from '../app';
import { RunList } from '../components/RunList';
import { ErrorNote, Loading } from '../components/Status';
import { workflowUrl } from '../lib/temporal-link';
import { href } from '../route';
import type { AutomationRun, ContactWithScores, Ledger } from '../types';
import { useLoad } from '../use-load';

export function ContactPage({ session, id }: { session: Session; id: string }) {
  const contact = useLoad(() => get<ContactWithScores>(`/contacts/${encodeURIComponent(id)}`), [id]);
  const [profileId, setProfileId] = useState<string | undefined>(undefined);
  const scores = contact.data?.scores ?? [];
  const selected =
    scores.find((s) => s.profileId === profileId) ?? scores.find((s) => s.isDefault) ?? scores[0];
  const ledger = useLoad(
    () =>
      selected
        ? get<Ledger>(
            `/contacts/${encodeURIComponent(id)}/ledger?profile=${encodeURIComponent(selected.profileId)}&limit=100`,
          )
        : Promise.resolve(undefined),
    [id, selected?.profileId],
  );
  const runs = useLoad(
    () => get<{ runs: AutomationRun[] }>(`/automation-runs?contactId=${encodeURIComponent(id)}&limit=10`),
    [id],
  );
  const { temporalUiUrl, namespace } = session.settings;
  const workflowLink = workflowUrl(temporalUiUrl, namespace, contactWorkflowId(session.me.accountId, id));

  return (
    <>
      <p>
        <a href={href('contacts')}>← Contacts</a>
      </p>
      <ErrorNote error={contact.error} />
      <Loading when={contact.loading && !contact.data}>
        {contact.data && (
          <>
            <h1>{contact.data.name ?? contact.data.id}</h1>
            <p class="muted">
              {contact.data.id}
              {contact.data.email && ` · ${contact.data.email}`}
              {contact.data.tags.length > 0 && ` · tags: ${contact.data.tags.join(', ')}`} ·{' '}
              <a href={workflowLink} target="_blank" rel="noreferrer">
                Open its workflow in the Temporal UI
              </a>
            </p>
            <section aria-labelledby="scores-h">
              <h2 id="scores-h">Scores</h2>
              <div class="cards">
                {scores.map((s) => (
                  <button
                    type="button"
                    key={s.profileId}
                    class={`score-card${s === selected ? ' selected' : ''}`}
                    aria-pressed={s === selected}
                    onClick={() => setProfileId(s.profileId)}
                  >
                    <span class="label">
                      {s.profileName}
                      {s.isDefault && ' (default)'}
                    </span>
                    <span class="big" data-testid={`score-${s.profileId}`}>
                      {s.score ?? '—'}
                    </span>
                    <span class="muted">{s.version === null ? 'not published' : `version ${s.version}`}</span>
                  </button>
                ))}
              </div>
            </section>
            {selected && (
              <section aria-labelledby="breakdown-h" class="two-col">
                <div>
                  <h2 id="breakdown-h">Why {selected.score ?? 'empty'}? Breakdown by rule</h2>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Rule</th>
                        <th scope="col" class="num">
                          Times
                        </th>
                        <th scope="col" class="num">
                          Points
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {selected.breakdown.map((b) => (
                        <tr key={b.ruleId}>
                          <td>
                            {b.ruleId}
                            {b.description && <span class="muted"> {b.description}</span>}
                          </td>
                          <td class="num">{b.count}</td>
                          <td class="num">{b.points > 0 ? `+${b.points}` : b.points}</td>
                        </tr>
                      ))}
                      {selected.breakdown.length === 0 && (
                        <tr>
                          <td colSpan={3} class="muted">
                            Nothing scored yet.
                          </td>
                        </tr>
                      )}
                    </tbody>
                  </table>
                </div>
                <div>
                  <h2 id="ledger-h">Ledger, newest first</h2>
                  <ErrorNote error={ledger.error} />
                  <table aria-labelledby="ledger-h" data-testid="ledger">
                    <thead>
                      <tr>
                        <th scope="col">When</th>
                        <th scope="col">Rule</th>
                        <th scope="col" class="num">
                          Change
                        </th>
                        <th scope="col" class="num">
                          Score after
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {(ledger.data?.entries ?? []).map((e) => (
                        <tr key={e.id}>
                          <td>{new Date(e.createdAt).toLocaleString()}</td>
                          <td>
                            {e.ruleId}
                            {e.rescore && <span class="tag">re-score v{e.profileVersion}</span>}
                          </td>
                          <td class="num">{e.delta > 0 ? `+${e.delta}` : e.delta}</td>
                          <td class="num">{e.scoreAfter}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
            )}
            <section aria-labelledby="runs-h">
              <h2 id="runs-h">Automation runs</h2>
              <ErrorNote error={runs.error} />
              <RunList runs={runs.data?.runs ?? []} settings={session.settings} />
            </section>
          </>
        )}
      </Loading>
    </>
  );
}
