import { updateProfileSchema, type UpdateProfileBody } from '../../../api/profiles/schemas';

/**
 * The profile's name, description, floor and ceiling ↔ PATCH /profiles/{id}, checked with that
 * route's own schema (pure: unit-tested in test/unit/console-forms.test.ts).
 */

export interface ProfileFields {
  name: string;
  description: string;
  /** Blank: no floor. */
  floor: string;
  ceiling: string;
}

const bound = (s: string): number | string | null => {
  const t = s.trim();
  if (t === '') return null;
  return Number.isFinite(Number(t)) ? Number(t) : t;
};

export function profilePatchOf(fields: ProfileFields): {
  patch?: UpdateProfileBody;
  errors: Record<string, string>;
} {
  const result = updateProfileSchema.safeParse({
    name: fields.name.trim(),
    description: fields.description,
    floor: bound(fields.floor),
    ceiling: bound(fields.ceiling),
  });
  if (result.success) return { patch: result.data, errors: {} };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) errors[String(issue.path[0] ?? 'name')] ??= issue.message;
  return { errors };
}
