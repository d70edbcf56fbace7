/** The contacts page's filter form ↔ the GET /contacts query (pure: unit-tested). */

export interface FilterForm {
  profile: string;
  sort: 'score_desc' | 'score_asc' | 'id';
  minScore: string;
  maxScore: string;
  tags: string;
  /** '' any, 'true' only empty scores, 'false' only scored. */
  empty: '' | 'true' | 'false';
}

export const EMPTY_FILTER: FilterForm = {
  profile: '',
  sort: 'score_desc',
  minScore: '',
  maxScore: '',
  tags: '',
  empty: '',
};

/** A saved smart list's filter (the JSON the API keeps), as GET /lists answers it. */
export interface SavedFilter {
  profile?: string | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
  empty?: boolean | undefined;
  tag?: string[] | undefined;
  sort?: FilterForm['sort'] | undefined;
}

const tagList = (tags: string) =>
  tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/**
 * Query parameters for one page. Numbers are passed as typed: the API says which field is wrong
 * (a 400 naming query.minScore), and the page shows that message by the field.
 */
export function contactQuery(form: FilterForm, page: { limit: number; cursor?: string | undefined }): string {
  const q = new URLSearchParams();
  if (form.profile) q.set('profile', form.profile);
  q.set('sort', form.sort);
  if (form.minScore.trim()) q.set('minScore', form.minScore.trim());
  if (form.maxScore.trim()) q.set('maxScore', form.maxScore.trim());
  if (form.empty) q.set('empty', form.empty);
  const tags = tagList(form.tags);
  if (tags.length) q.set('tag', tags.join(','));
  q.set('limit', String(page.limit));
  if (page.cursor) q.set('cursor', page.cursor);
  return q.toString();
}

/** The form as a smart list's filter; a number field that is not an integer stays text for the API to refuse. */
export function savedFilterOf(form: FilterForm): Record<string, unknown> {
  const num = (s: string) => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());
  return {
    ...(form.profile && { profile: form.profile }),
    sort: form.sort,
    ...(form.minScore.trim() && { minScore: num(form.minScore) }),
    ...(form.maxScore.trim() && { maxScore: num(form.maxScore) }),
    ...(form.empty && { empty: form.empty === 'true' }),
    ...(tagList(form.tags).length > 0 && { tag: tagList(form.tags) }),
  };
}

export function formOf(filter: SavedFilter): FilterForm {
  return {
    profile: filter.profile ?? '',
    sort: filter.sort ?? 'score_desc',
    minScore: filter.minScore === undefined ? '' : String(filter.minScore),
    maxScore: filter.maxScore === undefined ? '' : String(filter.maxScore),
    tags: (filter.tag ?? []).join(', '),
    empty: filter.empty === undefined ? '' : filter.empty ? 'true' : 'false',
  };
}
