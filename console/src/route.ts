import { useEffect, useState } from 'preact/hooks';

/** Hash routes (#/contacts/ada): the server serves one page at /console, whatever the route. */
export type Route =
  | { page: 'contacts' }
  | { page: 'contact'; id: string }
  | { page: 'profiles' }
  | { page: 'profile'; id: string }
  | { page: 'triggers' }
  | { page: 'distribution'; id?: string | undefined };

export function parseRoute(hash: string): Route {
  const [page, id] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (page === 'contacts' && id) return { page: 'contact', id };
  if (page === 'profiles' && id) return { page: 'profile', id };
  if (page === 'profiles') return { page: 'profiles' };
  if (page === 'triggers') return { page: 'triggers' };
  if (page === 'distribution') return { page: 'distribution', id };
  return { page: 'contacts' };
}

export const href = (...parts: string[]): string => `#/${parts.map(encodeURIComponent).join('/')}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
