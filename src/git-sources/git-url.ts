export type GitTransport = 'http' | 'ssh' | 'file';

export interface ParsedGitUrl {
  url: string;
  transport: GitTransport;
  /** For http(s): scheme, host and port, to scope the credentials header to this server. */
  origin?: string;
}

export const MAX_GIT_URL_LENGTH = 2000;

/** scp-like syntax: `git@github.com:acme/widget.git`. */
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:(?!\/\/)[^\s]+$/;

/**
 * A repository URL the server may fetch, or the reason it is refused. Only https, http, ssh (both
 * spellings) and file URLs: other transports (`ext::`, `fd::`) can run commands, a leading "-"
 * could pass as an option, and credentials inside the URL would be shown wherever the URL is.
 */
export function parseGitUrl(raw: string): ParsedGitUrl | { problem: string } {
  const url = raw.trim();
  if (url === '') return { problem: 'the URL is empty' };
  if (url.length > MAX_GIT_URL_LENGTH) return { problem: `the URL is longer than ${MAX_GIT_URL_LENGTH} characters` };
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(url)) return { problem: 'the URL contains whitespace or control characters' };
  if (url.startsWith('-')) return { problem: 'the URL may not start with "-"' };
  if (SCP_LIKE.test(url)) return { url, transport: 'ssh' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { problem: 'it is not a URL: use https://…, ssh://…, git@host:path or file:///…' };
  }
  switch (parsed.protocol) {
    case 'https:':
    case 'http:':
      if (parsed.username || parsed.password) {
        return {
          problem: 'the URL contains credentials: send them as "credentials" instead, so they are stored encrypted',
        };
      }
      if (!parsed.hostname) return { problem: 'the URL has no host' };
      return { url, transport: 'http', origin: parsed.origin };
    case 'ssh:':
      if (parsed.password) return { problem: 'the URL contains a password: use an SSH key in "credentials"' };
      if (!parsed.hostname) return { problem: 'the URL has no host' };
      return { url, transport: 'ssh' };
    case 'file:':
      if (parsed.hostname) return { problem: 'file URLs name a local path (file:///path)' };
      return { url, transport: 'file' };
    default:
      return {
        problem: `the transport "${parsed.protocol.replace(/:$/, '')}" is not supported: use https, ssh or file`,
      };
  }
}
