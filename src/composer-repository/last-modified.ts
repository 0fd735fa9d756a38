/**
 * Last-Modified and If-Modified-Since for Composer metadata, at HTTP's one-second resolution.
 *
 * `changedAt` is when the view last changed: the change clock's stamps (which run ahead of the
 * wall clock after a burst of changes, so that every change moves them) or the instant a
 * subscription lapsed. The header may not name a time after the response's own Date (`now`), so a
 * change stamped in the future is announced as `now`; revalidation compares against the change
 * itself, so such a copy is never confirmed as current before the wall clock has passed the change.
 * Every Last-Modified a client holds was at most the Date it was sent with, and every later change
 * (edits and lapses alike) is stamped after that, so a 304 is never given for a view that changed.
 */
export interface Revalidation {
  lastModified: Date;
  notModified: boolean;
}

const SECOND = 1000;

export function revalidate(changedAt: Date, now: Date, ifModifiedSince: string | undefined): Revalidation {
  const changed = Math.ceil(changedAt.getTime() / SECOND) * SECOND;
  const current = Math.floor(now.getTime() / SECOND) * SECOND;
  const lastModified = new Date(Math.min(changed, current));
  if (ifModifiedSince === undefined) return { lastModified, notModified: false };
  const since = Date.parse(ifModifiedSince);
  // A date later than the server's clock is invalid (RFC 9110, 13.1.3): no copy can be that new.
  if (Number.isNaN(since) || since > current + SECOND - 1) return { lastModified, notModified: false };
  return { lastModified, notModified: Math.floor(since / SECOND) * SECOND >= changed };
}
