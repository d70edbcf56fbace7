import { useState } from 'preact/hooks';
import { api, describeError } from '../api';
import { profilePatchOf, type ProfileFields } from '../lib/profile-form';
import type { Profile } from '../types';
import { useEdited } from '../use-edited';
import { ErrorNote } from './Status';

const fieldsOf = (p: Profile): ProfileFields => ({
  name: p.name,
  description: p.description,
  floor: p.floor === null ? '' : String(p.floor),
  ceiling: p.ceiling === null ? '' : String(p.ceiling),
});

const LABELS: Record<keyof ProfileFields, string> = {
  name: 'Name',
  description: 'Description',
  floor: 'Score floor (blank: none)',
  ceiling: 'Score ceiling (blank: none)',
};

/** The draft's name, description and bounds (admins). */
export function ProfileSettings({ profile, onSaved }: { profile: Profile; onSaved: () => void }) {
  const form = useEdited(() => fieldsOf(profile), profile);
  const fields = form.value;
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const save = async (e: Event) => {
    e.preventDefault();
    setStatus(null);
    setFailure(null);
    const { patch, errors: found } = profilePatchOf(fields);
    setErrors(found);
    if (!patch) return;
    const mark = form.mark();
    try {
      await api('PATCH', `/profiles/${encodeURIComponent(profile.id)}`, patch);
      form.saved(mark);
      setStatus('Saved to the draft.');
      onSaved();
    } catch (err) {
      setFailure(describeError(err));
    }
  };

  return (
    <section aria-labelledby="settings-h" class="card">
      <h2 id="settings-h">Name and bounds</h2>
      <form class="filters" onSubmit={(e) => void save(e)} noValidate>
        {(Object.keys(LABELS) as (keyof ProfileFields)[]).map((name) => {
          const id = `profile-${name}`;
          return (
            <div key={name}>
              <label for={id}>{LABELS[name]}</label>
              <input
                id={id}
                value={fields[name]}
                inputMode={name === 'floor' || name === 'ceiling' ? 'numeric' : undefined}
                aria-invalid={errors[name] ? true : undefined}
                aria-describedby={errors[name] ? `${id}-error` : undefined}
                onInput={(ev) => form.edit({ ...fields, [name]: ev.currentTarget.value })}
              />
              {errors[name] && (
                <span id={`${id}-error`} class="field-error">
                  {errors[name]}
                </span>
              )}
            </div>
          );
        })}
        <div class="actions">
          <button type="submit">Save name and bounds</button>
        </div>
      </form>
      <ErrorNote error={failure} />
      {status && <p role="status">{status}</p>}
    </section>
  );
}
