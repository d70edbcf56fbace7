import { get } from '../api';
import type { Session } from '../app';
import { Histogram } from '../components/Histogram';
import { ErrorNote, Loading } from '../components/Status';
import { href } from '../route';
import type { Distribution, Profile } from '../types';
import { useLoad } from '../use-load';

type Bin = Distribution['bins'][number];

export function DistributionPage({ id }: { session: Session; id?: string | undefined }) {
  const profiles = useLoad(() => get<{ profiles: Profile[] }>('/profiles'), []);
  const all = profiles.data?.profiles ?? [];
  const profileId = id ?? all.find((p) => p.isDefault)?.id ?? all[0]?.id;
  const dist = useLoad(
    () =>
      profileId
        ? get<Distribution>(`/profiles/${encodeURIComponent(profileId)}/distribution`)
        : Promise.resolve(undefined),
    [profileId],
  );
  return (
    <>
      <h1>Score distribution</h1>
      <ErrorNote error={profiles.error ?? dist.error} />
      <div class="inline">
        <label for="dist-profile">Profile</label>
        <select
          id="dist-profile"
          value={profileId}
          onChange={(e) => (location.hash = href('distribution', e.currentTarget.value))}
        >
          {all.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <Loading when={dist.loading && !dist.data}>
        {dist.data && (
          <section class="card" aria-label={`Distribution of ${profileId}`}>
            <p>
              {dist.data.scored} contacts scored{dist.data.empty > 0 && `, ${dist.data.empty} empty`}
              {dist.data.liveVersion !== null && ` · live version ${dist.data.liveVersion}`} · bins of{' '}
              {dist.data.binWidth}
            </p>
            <Histogram<Bin>
              title={`Scores of profile ${profileId}, with trigger thresholds`}
              bins={dist.data.bins}
              series={[{ key: 'contacts', label: 'Contacts', value: (b) => b.contacts, color: '#1f6feb' }]}
              thresholds={dist.data.thresholds.map((t) => ({
                label: `${t.triggerId} ${t.op} ${t.value}`,
                value: t.value,
                muted: t.paused,
              }))}
            />
            {dist.data.thresholds.length > 0 && (
              <ul>
                {dist.data.thresholds.map((t) => (
                  <li key={t.triggerId}>
                    Trigger {t.triggerId}: score {t.op} {t.value}
                    {t.paused && ' (paused)'}
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
      </Loading>
    </>
  );
}
