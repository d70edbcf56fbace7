import type { ComponentChildren } from 'preact';

/** Errors are announced (role=alert); loading is quiet. */
export function ErrorNote({ error }: { error: string | null | undefined }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

export function Loading({ when, children }: { when: boolean; children: ComponentChildren }) {
  return when ? <p class="muted">Loading…</p> : <>{children}</>;
}
