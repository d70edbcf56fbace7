import { useState } from 'preact/hooks';
import { api, describeError, get } from '../api';
import type { Session } from '../app';
import { ErrorNote } from '../components/Status';
import { contactQuery, EMPTY_FILTER, formOf, savedFilterOf, type FilterForm } from '../lib/contact-filter';
import { href } from '../route';
import { allows } from '../session';
import type { ContactPage, Profile, SmartList } from '../types';
import { useLoad } from '../use-load';

const PAGE_SIZES = [10, 25, 50, 100];

export function ContactsPage({ session }: { session: Session }) {
  const [draft, setDraft] = useState<FilterForm>(EMPTY_FILTER);
  const [filter, setFilter] = useState<FilterForm>(EMPTY_FILTER);
  /** Cursors of the pages before this one: keyset paging goes forward; back is the stack. */
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [listName, setListName] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [pageSize, setPageSize] = useState(25);
  const cursor = cursors[cursors.length - 1];

  const profiles = useLoad(() => get<{ profiles: Profile[] }>('/profiles'), []);
  const lists = useLoad(() => get<{ lists: SmartList[] }>('/lists'), []);
  const page = useLoad(
    () => get<ContactPage>(`/contacts?${contactQuery(filter, { limit: pageSize, cursor })}`),
    [filter, cursor, pageSize],
  );

  const apply = (form: FilterForm) => {
    setFilter(form);
    setCursors([undefined]);
  };
  const field = (name: keyof FilterForm) => ({
    id: `filter-${name}`,
    value: draft[name],
    onInput: (e: { currentTarget: { value: string } }) =>
      setDraft({ ...draft, [name]: e.currentTarget.value }),
  });
  const saveList = async (e: Event) => {
    e.preventDefault();
    try {
      await api('POST', '/lists', { name: listName.trim(), filter: savedFilterOf(filter) });
      setNote(`Saved "${listName.trim()}".`);
      setListName('');
      lists.reload();
    } catch (err) {
      setNote(describeError(err));
    }
  };

  return (
    <>
      <h1>Contacts</h1>
      <section aria-labelledby="lists-h" class="card">
        <h2 id="lists-h">Smart lists</h2>
        <div class="chips">
          {(lists.data?.lists ?? []).map((l) => (
            <button
              type="button"
              key={l.id}
              class="chip"
              onClick={() => {
                const form = formOf(l.filter);
                setDraft(form);
                apply(form);
              }}
            >
              {l.name}
            </button>
          ))}
          {lists.data?.lists.length === 0 && <span class="muted">None saved yet.</span>}
        </div>
      </section>
      <form
        class="filters card"
        aria-label="Filter contacts"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <div>
          <label for="filter-profile">Profile</label>
          <select {...field('profile')}>
            <option value="">Default profile</option>
            {(profiles.data?.profiles ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-sort">Sort</label>
          <select {...field('sort')}>
            <option value="score_desc">Score, highest first</option>
            <option value="score_asc">Score, lowest first</option>
            <option value="id">Contact id</option>
          </select>
        </div>
        <div>
          <label for="filter-minScore">Min score</label>
          <input inputMode="numeric" {...field('minScore')} />
        </div>
        <div>
          <label for="filter-maxScore">Max score</label>
          <input inputMode="numeric" {...field('maxScore')} />
        </div>
        <div>
          <label for="filter-tags">Tags (all of)</label>
          <input placeholder="vip, newsletter" {...field('tags')} />
        </div>
        <div>
          <label for="filter-empty">Score</label>
          <select {...field('empty')}>
            <option value="">Any</option>
            <option value="false">Has a score</option>
            <option value="true">Empty</option>
          </select>
        </div>
        <div class="actions">
          <button type="submit">Apply</button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setDraft(EMPTY_FILTER);
              apply(EMPTY_FILTER);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {allows(session.me, 'write') && (
        <form class="inline" onSubmit={(e) => void saveList(e)}>
          <label for="list-name">Save this filter as a smart list</label>
          <input
            id="list-name"
            required
            value={listName}
            onInput={(e) => setListName(e.currentTarget.value)}
          />
          <button type="submit">Save list</button>
          {note && <span role="status">{note}</span>}
        </form>
      )}
      <ErrorNote error={page.error} />
      <div class="table-wrap">
        <table aria-label="Contacts" aria-busy={page.loading}>
          <thead>
            <tr>
              <th scope="col">Contact</th>
              <th scope="col">Email</th>
              <th scope="col">Tags</th>
              <th scope="col" class="num">
                Score
              </th>
            </tr>
          </thead>
          <tbody>
            {(page.data?.items ?? []).map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={href('contacts', c.id)}>{c.name ?? c.id}</a>
                  {c.name && <span class="muted"> {c.id}</span>}
                </td>
                <td>{c.email ?? ''}</td>
                <td>{c.tags.join(', ')}</td>
                <td class="num">{c.score ?? <span class="muted">empty</span>}</td>
              </tr>
            ))}
            {page.data?.items.length === 0 && (
              <tr>
                <td colSpan={4} class="muted">
                  No contact matches.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <label for="page-size" class="inline-label">
          Rows per page
        </label>
        <select
          id="page-size"
          class="narrow"
          value={pageSize}
          onChange={(e) => {
            setPageSize(Number(e.currentTarget.value));
            setCursors([undefined]);
          }}
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => setCursors([...cursors, page.data!.nextCursor!])}
        >
          Next page
        </button>
      </nav>
    </>
  );
}
