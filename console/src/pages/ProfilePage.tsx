import { useState } from 'preact/hooks';
import { get } from '../api';
import type { Session } from '../app';
import { DraftEditor } from '../components/DraftEditor';
import { ProfileSettings } from '../components/ProfileSettings';
import { PublishPanel } from '../components/PublishPanel';
import { SimulationView } from '../components/SimulationView';
import { ErrorNote, Loading } from '../components/Status';
import { diffRows } from '../lib/rule-diff';
import { href } from '../route';
import { allows } from '../session';
import type { Profile, Version, VersionSummary } from '../types';
import { useLoad } from '../use-load';

export function ProfilePage({ session, id }: { session: Session; id: string }) {
  const path = `/profiles/${encodeURIComponent(id)}`;
  const profile = useLoad(() => get<Profile>(path), [id]);
  const versions = useLoad(() => get<{ versions: VersionSummary[] }>(`${path}/versions`), [id]);
  const [shown, setShown] = useState<number | undefined>(undefined);
  const version = useLoad(
    () => (shown === undefined ? Promise.resolve(undefined) : get<Version>(`${path}/versions/${shown}`)),
    [id, shown],
  );
  const admin = allows(session.me, 'admin');

  return (
    <>
      <p>
        <a href={href('profiles')}>← Profiles</a>
      </p>
      <ErrorNote error={profile.error} />
      <Loading when={profile.loading && !profile.data}>
        {profile.data && (
          <>
            <h1>{profile.data.name}</h1>
            <p class="muted">
              {profile.data.id} ·{' '}
              {profile.data.liveVersion === null
                ? 'never published'
                : `live: version ${profile.data.liveVersion}`}{' '}
              · <a href={href('distribution', id)}>Distribution</a>
            </p>
            {admin && <ProfileSettings profile={profile.data} onSaved={profile.reload} />}
            <DraftEditor profile={profile.data} editable={admin} onSaved={profile.reload} />
            {admin && <SimulationView profileId={id} />}
            {admin && (
              <PublishPanel
                profileId={id}
                onPublished={() => {
                  profile.reload();
                  versions.reload();
                }}
              />
            )}
          </>
        )}
      </Loading>
      <section aria-labelledby="versions-h" class="card">
        <h2 id="versions-h">Versions</h2>
        <ErrorNote error={versions.error} />
        <ul class="versions">
          {(versions.data?.versions ?? []).map((v) => (
            <li key={v.version}>
              <button
                type="button"
                class="link"
                aria-expanded={shown === v.version}
                onClick={() => setShown(shown === v.version ? undefined : v.version)}
              >
                Version {v.version}
              </button>
              {v.live && <span class="tag">live</span>}{' '}
              <span class="muted">
                {new Date(v.publishedAt).toLocaleString()} · {v.ruleCount} rules
                {v.republishedFrom !== null && ` · copy of version ${v.republishedFrom}`}
              </span>
              {shown === v.version && version.data && (
                <ul class="diff" aria-label={`Changes in version ${v.version}`}>
                  {diffRows(version.data.changes).map((row, i) => (
                    <li key={i} class={`diff-${row.kind}`}>
                      <strong>
                        {row.kind} {row.subject}
                      </strong>
                      {row.lines.map((line, j) => (
                        <div key={j}>{line}</div>
                      ))}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
          {versions.data?.versions.length === 0 && <li class="muted">Not published yet.</li>}
        </ul>
      </section>
    </>
  );
}
