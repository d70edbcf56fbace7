import { get } from '../api';
import type { Session } from '../app';
import { ErrorNote, Loading } from '../components/Status';
import { href } from '../route';
import type { Profile } from '../types';
import { useLoad } from '../use-load';

export function ProfilesPage(_props: { session: Session }) {
  const profiles = useLoad(() => get<{ profiles: Profile[] }>('/profiles'), []);
  return (
    <>
      <h1>Score profiles</h1>
      <ErrorNote error={profiles.error} />
      <Loading when={profiles.loading && !profiles.data}>
        <ul class="cards">
          {(profiles.data?.profiles ?? []).map((p) => (
            <li key={p.id} class="card">
              <h2>
                <a href={href('profiles', p.id)}>{p.name}</a>
                {p.isDefault && <span class="tag">default</span>}
              </h2>
              <p class="muted">
                {p.liveVersion === null ? 'never published' : `live: version ${p.liveVersion}`} ·{' '}
                {p.draftRules.length} draft rule
                {p.draftRules.length === 1 ? '' : 's'}
              </p>
              {p.description && <p>{p.description}</p>}
              <a href={href('distribution', p.id)}>Distribution</a>
            </li>
          ))}
        </ul>
      </Loading>
    </>
  );
}
