/** Query parameters of a cursor-paginated listing, as the SDKs send them. */
export interface PageQuery {
  /** Items after this id (OpenAI `after`, Anthropic `after_id`). */
  readonly after: string | undefined;
  /** Items before this id (Anthropic `before_id`). */
  readonly before: string | undefined;
  /** Page size; the endpoint's default when absent or not a positive integer. */
  readonly limit: number | undefined;
}

/** One page of a listing, in the fields both providers use. */
export interface CursorPage<T> {
  readonly data: T[];
  readonly has_more: boolean;
  readonly first_id: string | null;
  readonly last_id: string | null;
}

/** Reads `after`/`after_id`, `before_id` and `limit` from a request URL. */
export function pageQuery(url: URL): PageQuery {
  const limit = Number(url.searchParams.get('limit') ?? Number.NaN);
  return {
    after: url.searchParams.get('after') ?? url.searchParams.get('after_id') ?? undefined,
    before: url.searchParams.get('before_id') ?? undefined,
    limit: Number.isInteger(limit) && limit > 0 ? limit : undefined,
  };
}

/**
 * The page of `items` (in listing order) selected by `query`: `limit` items after the `after` cursor,
 * or the last `limit` before the `before` cursor; an unknown cursor gives an empty page.
 */
export function cursorPage<T extends { id: string }>(
  items: readonly T[],
  query: PageQuery,
  defaultLimit: number,
): CursorPage<T> {
  const limit = query.limit ?? defaultLimit;
  let from = 0;
  let to = items.length;
  if (query.after !== undefined) from = indexAfter(items, query.after);
  else if (query.before !== undefined) {
    to = items.findIndex((item) => item.id === query.before);
    if (to < 0) to = 0;
    from = Math.max(0, to - limit);
  }
  const data = items.slice(from, Math.min(to, from + limit));
  return {
    data,
    has_more: query.before !== undefined ? from > 0 : from + data.length < to,
    first_id: data[0]?.id ?? null,
    last_id: data[data.length - 1]?.id ?? null,
  };
}

function indexAfter(items: readonly { id: string }[], id: string): number {
  const at = items.findIndex((item) => item.id === id);
  return at < 0 ? items.length : at + 1;
}

/** `list` (a `{ data: [{ id }] }` body) cut to the page `query` selects; anything else is returned as is. */
export function pageListing(list: unknown, query: PageQuery, defaultLimit: number): unknown {
  const data = (list as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || !data.every((item) => typeof (item as { id?: unknown })?.id === 'string')) {
    return list;
  }
  return { ...(list as object), ...cursorPage(data as { id: string }[], query, defaultLimit) };
}
