import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from './api';
import { ContactPage } from './pages/ContactPage';
import { ContactsPage } from './pages/ContactsPage';
import { DistributionPage } from './pages/DistributionPage';
import { ProfilePage } from './pages/ProfilePage';
import { ProfilesPage } from './pages/ProfilesPage';
import { SignIn } from './pages/SignIn';
import { TriggersPage } from './pages/TriggersPage';
import { href, useRoute, type Route } from './route';
import { forgetKey, storedKey, storedSettings, type Me, type Settings } from './session';

export interface Session {
  me: Me;
  settings: Settings;
}

const NAV: { page: Route['page']; label: string; to: string }[] = [
  { page: 'contacts', label: 'Contacts', to: href('contacts') },
  { page: 'profiles', label: 'Profiles', to: href('profiles') },
  { page: 'triggers', label: 'Triggers & automations', to: href('triggers') },
  { page: 'distribution', label: 'Distribution', to: href('distribution') },
];

const section = (route: Route): Route['page'] =>
  route.page === 'contact' ? 'contacts' : route.page === 'profile' ? 'profiles' : route.page;

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(() => storedKey() !== null);
  const [error, setError] = useState<string | null>(null);
  const route = useRoute();

  // A reload keeps the tab's key: ask the API who it is again.
  useEffect(() => {
    if (!storedKey()) return;
    api<Me>('GET', '/me').then(
      (me) => {
        setSession({ me, settings: storedSettings() });
        setChecking(false);
      },
      (err: unknown) => {
        forgetKey();
        setError(describeError(err));
        setChecking(false);
      },
    );
  }, []);

  if (checking) return <p class="muted">Loading…</p>;
  if (!session) return <SignIn error={error} onSignedIn={setSession} />;

  const signOut = () => {
    forgetKey();
    setSession(null);
  };
  const scopes = session.me.scopes.join(', ');
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Pulse</span>
        <nav aria-label="Console">
          {NAV.map((item) => (
            <a
              key={item.page}
              href={item.to}
              aria-current={section(route) === item.page ? 'page' : undefined}
            >
              {item.label}
            </a>
          ))}
        </nav>
        <span class="who">
          {session.me.accountId} · <span data-testid="scopes">{scopes}</span>{' '}
          <button type="button" class="link" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'contacts' && <ContactsPage session={session} />}
        {route.page === 'contact' && <ContactPage session={session} id={route.id} />}
        {route.page === 'profiles' && <ProfilesPage session={session} />}
        {route.page === 'profile' && <ProfilePage session={session} id={route.id} />}
        {route.page === 'triggers' && <TriggersPage session={session} />}
        {route.page === 'distribution' && <DistributionPage session={session} id={route.id} />}
      </main>
    </>
  );
}
