import { useEffect, useState } from 'preact/hooks';
import { api, describeError, get } from '../api';
import { progressPercent, progressText, rescoreSettled } from '../lib/rescore-progress';
import type { RescoreProgress } from '../types';
import { ProgressBar } from './ProgressBar';
import { ErrorNote } from './Status';

const POLL_MS = 500;

/** Publish the draft, then follow the re-score it starts until it finishes. */
export function PublishPanel({ profileId, onPublished }: { profileId: string; onPublished: () => void }) {
  const [version, setVersion] = useState<number | null>(null);
  const [progress, setProgress] = useState<RescoreProgress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const path = `/profiles/${encodeURIComponent(profileId)}`;

  useEffect(() => {
    if (version === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const p = await get<RescoreProgress>(`${path}/versions/${version}/rescore`);
        if (stopped) return;
        setProgress(p);
        setError(null);
        if (rescoreSettled(p)) return;
      } catch (err) {
        // The re-score's workflow may not answer its first query yet: keep asking.
        if (!stopped) setError(describeError(err));
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [version, path]);

  const publish = async () => {
    setBusy(true);
    setError(null);
    setProgress(null);
    try {
      const published = await api<{ version: number }>('POST', `${path}/publish`);
      setVersion(published.version);
      onPublished();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="publish-h" class="card">
      <h2 id="publish-h">Publish</h2>
      <p class="muted">The draft becomes the next live version and every contact is re-scored.</p>
      <button
        type="button"
        onClick={() => void publish()}
        disabled={busy || (progress !== null && !rescoreSettled(progress))}
      >
        Publish the draft
      </button>
      <ErrorNote error={progress && rescoreSettled(progress) ? null : error} />
      {version !== null && (
        <div>
          <p>Published version {version}.</p>
          {progress ? (
            <ProgressBar
              label={`Re-score of version ${version}`}
              percent={progressPercent(progress)}
              text={progressText(progress)}
            />
          ) : (
            <p class="muted">Waiting for the re-score to report…</p>
          )}
        </div>
      )}
    </section>
  );
}
