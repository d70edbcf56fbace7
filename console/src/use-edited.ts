import { useEffect, useRef, useState } from 'preact/hooks';

export interface Edited<T> {
  value: T;
  edit: (value: T) => void;
  /** Call before sending; pass the answer to `saved` once the server has taken it. */
  mark: () => number;
  saved: (mark: number) => void;
}

/**
 * A form's state seeded from the server. A reload (asked for by any part of the page) replaces it
 * only while nothing typed is unsaved: an answer landing mid-typing must not undo the typing.
 * Edits made while a save was in flight stay unsaved after it.
 */
export function useEdited<T>(fromServer: () => T, source: unknown): Edited<T> {
  const [value, setValue] = useState(fromServer);
  const edits = useRef(0);
  const clean = useRef(0);
  useEffect(() => {
    if (edits.current === clean.current) setValue(fromServer());
  }, [source]);
  return {
    value,
    edit: (next) => {
      edits.current += 1;
      setValue(next);
    },
    mark: () => edits.current,
    saved: (mark) => {
      clean.current = mark;
    },
  };
}
