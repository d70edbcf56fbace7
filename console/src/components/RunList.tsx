import { workflowUrl } from '../lib/temporal-link';
import { href } from '../route';
import type { Settings } from '../session';
import type { AutomationRun } from '../types';

export function RunList({ runs, settings }: { runs: readonly AutomationRun[]; settings: Settings }) {
  if (runs.length === 0) return <p class="muted">No automation runs yet.</p>;
  return (
    <ul class="runs">
      {runs.map((run) => (
        <li key={run.runId} class="card">
          <div class="run-head">
            <strong>{run.automation ?? 'automation'}</strong>
            <span class={`status ${run.status.toLowerCase()}`}>{run.status.toLowerCase()}</span>
            {run.contactId && <a href={href('contacts', run.contactId)}>{run.contactId}</a>}
            {run.triggerId && <span class="muted">trigger {run.triggerId}</span>}
            <span class="muted">{new Date(run.startedAt).toLocaleString()}</span>
            <a
              href={workflowUrl(settings.temporalUiUrl, settings.namespace, run.workflowId, run.runId)}
              target="_blank"
              rel="noreferrer"
            >
              Temporal UI
            </a>
          </div>
          {run.actions.length > 0 ? (
            <ul class="actions-list">
              {run.actions.map((a) => (
                <li key={a.step}>
                  <span class="tag">{a.kind}</span> {a.step}: {a.state}
                  {a.reason && ` (${a.reason})`}
                  {a.detail && <span class="muted"> {a.detail}</span>}
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">
              {run.step ? `At step ${run.step}; no action recorded yet.` : 'No action recorded yet.'}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
