/**
 * The API key lives in sessionStorage: this tab only, gone when it closes. The Temporal UI address
 * and namespace are not secret and are remembered across sessions in localStorage.
 */

const KEY = 'pulse.apiKey';
const SETTINGS = 'pulse.settings';

export type Scope = 'read' | 'write' | 'admin';

export interface Me {
  keyId: string;
  accountId: string;
  scopes: Scope[];
}

export interface Settings {
  temporalUiUrl: string;
  namespace: string;
}

export const DEFAULT_SETTINGS: Settings = { temporalUiUrl: 'http://localhost:8233', namespace: 'default' };

export const storedKey = (): string | null => sessionStorage.getItem(KEY);
export const storeKey = (key: string): void => sessionStorage.setItem(KEY, key);
export const forgetKey = (): void => sessionStorage.removeItem(KEY);

export function storedSettings(): Settings {
  try {
    return {
      ...DEFAULT_SETTINGS,
      ...(JSON.parse(localStorage.getItem(SETTINGS) ?? '{}') as Partial<Settings>),
    };
  } catch {
    return DEFAULT_SETTINGS;
  }
}
export const storeSettings = (s: Settings): void => localStorage.setItem(SETTINGS, JSON.stringify(s));

const RANK: Record<Scope, number> = { read: 1, write: 2, admin: 3 };

/** The same rule as the API (api/middleware/authenticate.ts): admin implies write implies read. */
export const allows = (me: Me, scope: Scope): boolean => me.scopes.some((s) => RANK[s] >= RANK[scope]);
