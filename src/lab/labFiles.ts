import { cursorPage, type CursorPage, type PageQuery } from './cursorPages.js';

/** How many files GET /v1/files lists. */
export const LAB_FILE_COUNT = 5;

// The OpenAI default page size of GET /v1/files.
const DEFAULT_FILE_PAGE = 10_000;
// A fixed creation time so listings are reproducible.
const FILE_CREATED_S = 1_700_000_000;

/** An OpenAI file object as GET /v1/files lists it. */
export interface LabFile {
  readonly id: string;
  readonly object: 'file';
  readonly bytes: number;
  readonly created_at: number;
  readonly filename: string;
  readonly purpose: 'fine-tune';
  readonly status: 'processed';
}

/** The emulator's files, in listing order: `file-lab1` … `file-lab5`. */
export const LAB_FILES: readonly LabFile[] = Array.from({ length: LAB_FILE_COUNT }, (_, i) => ({
  id: `file-lab${i + 1}`,
  object: 'file',
  bytes: 1024 * (i + 1),
  created_at: FILE_CREATED_S + i,
  filename: `circle-${i + 1}.jsonl`,
  purpose: 'fine-tune',
  status: 'processed',
}));

/** The GET /v1/files body for `query` (OpenAI cursor pagination: `after`, `limit`, `has_more`). */
export function fileListPage(query: PageQuery): CursorPage<LabFile> & { object: 'list' } {
  return { object: 'list', ...cursorPage(LAB_FILES, { ...query, before: undefined }, DEFAULT_FILE_PAGE) };
}
