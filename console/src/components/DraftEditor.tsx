import { useState } from 'preact/hooks';
import { api, describeError } from '../api';
import { emptyRuleRow, rowOf, rulesOf, type RowErrors, type RuleRow } from '../lib/rule-form';
import type { Profile } from '../types';
import { useEdited } from '../use-edited';
import { ErrorNote } from './Status';

const FIELDS: { name: keyof RuleRow; label: string; wide?: boolean; numeric?: boolean }[] = [
  { name: 'id', label: 'Rule id' },
  { name: 'interactionType', label: 'Interaction type' },
  { name: 'points', label: 'Points', numeric: true },
  { name: 'maxCount', label: 'Max count', numeric: true },
  { name: 'windowDays', label: 'Window (days)', numeric: true },
  { name: 'expiresAfterDays', label: 'Expires after (days)', numeric: true },
  { name: 'description', label: 'Description', wide: true },
  { name: 'criteria', label: 'Criteria (JSON)', wide: true },
];

/** The draft's rules; admins edit them, checked by the API's own schemas before they are sent. */
export function DraftEditor({
  profile,
  editable,
  onSaved,
}: {
  profile: Profile;
  editable: boolean;
  onSaved: () => void;
}) {
  const form = useEdited<RuleRow[]>(() => profile.draftRules.map(rowOf), profile);
  const rows = form.value;
  const [errors, setErrors] = useState<RowErrors>({});
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const update = (i: number, name: keyof RuleRow, value: string) =>
    form.edit(rows.map((row, j) => (j === i ? { ...row, [name]: value } : row)));

  const save = async (e: Event) => {
    e.preventDefault();
    setStatus(null);
    setFailure(null);
    const { rules, errors: found } = rulesOf(rows);
    setErrors(found);
    if (!rules) {
      setFailure(`Not saved: ${Object.keys(found).length} field(s) to fix.`);
      return;
    }
    const mark = form.mark();
    try {
      await api('PUT', `/profiles/${encodeURIComponent(profile.id)}/draft/rules`, { rules });
      form.saved(mark);
      setStatus('Draft saved. Live scores change only when it is published.');
      onSaved();
    } catch (err) {
      setFailure(describeError(err));
    }
  };

  if (!editable) {
    return (
      <section aria-labelledby="draft-h" class="card">
        <h2 id="draft-h">Draft rules</h2>
        <p class="muted">Your key can read but not edit the draft.</p>
        <ul>
          {profile.draftRules.map((r) => (
            <li key={r.id}>
              <strong>{r.id}</strong>: {r.interactionType} {r.points > 0 ? `+${r.points}` : r.points}
              {r.maxCount !== undefined && `, at most ${r.maxCount}×`}
              {r.description && <span class="muted"> {r.description}</span>}
            </li>
          ))}
        </ul>
      </section>
    );
  }

  return (
    <section aria-labelledby="draft-h" class="card">
      <h2 id="draft-h">Draft rules</h2>
      <form onSubmit={(e) => void save(e)} noValidate>
        {rows.map((row, i) => (
          <fieldset key={i} class="rule">
            <legend>
              Rule {i + 1}
              {row.id && `: ${row.id}`}
            </legend>
            {FIELDS.map((f) => {
              const id = `rule-${i}-${f.name}`;
              const error = errors[`${i}.${f.name}`];
              return (
                <div key={f.name} class={f.wide ? 'wide' : undefined}>
                  <label for={id}>{f.label}</label>
                  <input
                    id={id}
                    value={row[f.name]}
                    inputMode={f.numeric ? 'decimal' : undefined}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${id}-error` : undefined}
                    onInput={(e) => update(i, f.name, e.currentTarget.value)}
                  />
                  {error && (
                    <span id={`${id}-error`} class="field-error">
                      {error}
                    </span>
                  )}
                </div>
              );
            })}
            <button type="button" class="secondary" onClick={() => form.edit(rows.filter((_, j) => j !== i))}>
              Remove rule {row.id || i + 1}
            </button>
          </fieldset>
        ))}
        {errors.rules && <p class="field-error">{errors.rules}</p>}
        <div class="actions">
          <button type="button" class="secondary" onClick={() => form.edit([...rows, emptyRuleRow()])}>
            Add rule
          </button>
          <button type="submit">Save draft</button>
        </div>
        <ErrorNote error={failure} />
        {status && <p role="status">{status}</p>}
      </form>
    </section>
  );
}
