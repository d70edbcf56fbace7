import { useState } from 'preact/hooks';
import { api, describeError } from '../api';
import type { Session } from '../app';
import { ErrorNote } from '../components/Status';
import { storedSettings, storeKey, storeSettings, type Me } from '../session';

export function SignIn({ error, onSignedIn }: { error: string | null; onSignedIn: (s: Session) => void }) {
  const [key, setKey] = useState('');
  const [settings, setSettings] = useState(storedSettings);
  const [problem, setProblem] = useState<string | null>(error);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      const me = await api<Me>('GET', '/me', undefined, key.trim());
      storeKey(key.trim());
      storeSettings(settings);
      onSignedIn({ me, settings });
    } catch (err) {
      setProblem(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="signin">
      <h1>Pulse console</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          aria-describedby="api-key-help"
        />
        <p id="api-key-help" class="muted">
          Kept for this tab only. A read key can look; an admin key can also edit, simulate and publish.
        </p>
        <details>
          <summary>Temporal UI</summary>
          <label for="ui-url">Temporal UI address</label>
          <input
            id="ui-url"
            type="url"
            value={settings.temporalUiUrl}
            onInput={(e) => setSettings({ ...settings, temporalUiUrl: e.currentTarget.value })}
          />
          <label for="ui-ns">Namespace</label>
          <input
            id="ui-ns"
            value={settings.namespace}
            onInput={(e) => setSettings({ ...settings, namespace: e.currentTarget.value })}
          />
        </details>
        <ErrorNote error={problem} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
