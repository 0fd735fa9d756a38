import { isEmail } from 'class-validator';
import { readCredentials } from '../auth/credentials';
import { INTERNAL_ACTOR_PATTERN } from './actor-context';
import { parseDateTime } from './date-time';
import { ID_PATTERN } from './ids';
import { inputProblems } from './input-guard';
import { METADATA_PATH } from '../composer-repository/composer-fast-path';
import { parseMetadataFile } from '../composer-repository/composer-responses';
import { normalizeVersion, parseConstraints } from '../composer-semver';
import { multipartBoundary, parseIdempotencyKey } from '../idempotency/request-fingerprint';
import { pathProblem } from '../packages/archive-inspector';
import { isValidStorageKey } from '../packages/archive-storage';
import { isValidPackageName } from '../packages/package-name';
import { normalizePublishedVersion } from '../packages/published-version';

/**
 * Worst-case timing of every pattern Packyard applies to client input. Each check runs on inputs
 * built to make backtracking engines explode (long runs of one character class, alternations of
 * separators, a failing character at the very end), at the largest length that can reach it
 * (a header is at most 16 KB, a JSON body 1 MB), and must answer in a few milliseconds.
 */

const HEADER_LIMIT = 16 * 1024;
const BODY_LIMIT = 1024 * 1024;
/**
 * Generous for a slow, shared CI machine (2 cores under two jest workers: 68 ms was seen once for a
 * 500-character constraint that takes 3 ms alone); an exponential pattern takes seconds at these lengths.
 */
const BUDGET_MS = 250;

const UNITS = [
  'a',
  'x',
  '0',
  '9',
  '.',
  '-',
  '_',
  '/',
  ' ',
  '\t',
  '@',
  '~',
  ':',
  ',',
  '|',
  '^',
  '*',
  'a.',
  'a-',
  'a--',
  'a_',
  '0.',
  '1.0',
  'a/',
  'a@',
  'x ',
  ', ',
  '||',
  '\\',
  '%',
  '"',
];
const TAILS = ['', '!', '\u0000', '/', '.json', '~dev.json', '-', '@dev', 'Z', ' as 1.0', '\ud800'];

function* adversarialInputs(length: number): Generator<string> {
  for (const unit of UNITS) {
    const body = unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    for (const tail of TAILS) {
      yield body + tail;
      yield `a${body}${tail}`;
      yield `a/${body}${tail}`;
      yield `/p2/${body}/${body}${tail}`;
    }
  }
}

/**
 * Backtracking shows at a few dozen characters when exponential and at tens of kilobytes when
 * quadratic (64 KB squared is seconds), so longer inputs add nothing but run time.
 */
const SWEEP_LIMIT = 64 * 1024;

/** One call's time; the best of three is kept, so that a garbage collection or a busy neighbour is not blamed on a pattern. */
function timed(check: (input: string) => unknown, input: string): number {
  const started = process.hrtime.bigint();
  try {
    check(input);
  } catch {
    // Refusing by throwing is an answer too; only the time counts here.
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function slowest(check: (input: string) => unknown, length: number): { ms: number; input: string } {
  let worst = { ms: 0, input: '' };
  for (const input of adversarialInputs(Math.min(length, SWEEP_LIMIT))) {
    const ms = Math.min(timed(check, input), timed(check, input), timed(check, input));
    if (ms > worst.ms) worst = { ms, input };
  }
  return worst;
}

describe('worst-case time of every pattern applied to client input', () => {
  it.each<[string, (input: string) => unknown, number]>([
    ['package names (grants, pins, filters, paths, composer.json)', isValidPackageName, BODY_LIMIT],
    ['ids in paths', (input) => ID_PATTERN.test(input), HEADER_LIMIT],
    ['X-Packyard-Actor', (input) => INTERNAL_ACTOR_PATTERN.test(input), HEADER_LIMIT],
    ['Idempotency-Key', parseIdempotencyKey, HEADER_LIMIT],
    ['Authorization', readCredentials, HEADER_LIMIT],
    ['the multipart boundary of Content-Type', multipartBoundary, HEADER_LIMIT],
    ['date-times (expires_at, since, until, released_at)', parseDateTime, BODY_LIMIT],
    ['NUL and lone surrogates in any string', (input) => inputProblems({ value: input }), BODY_LIMIT],
    ['e-mail addresses', (input) => isEmail(input), BODY_LIMIT],
    ['the fast path URL', (input) => METADATA_PATH.exec(input), HEADER_LIMIT],
    ['p2 file names', (input) => parseMetadataFile('acme', input), HEADER_LIMIT],
    ['published versions (form field and composer.json)', normalizePublishedVersion, BODY_LIMIT],
    ['versions in freeze pins (at most 100 characters)', normalizeVersion, 100],
    ['grant constraints (at most 500 characters)', parseConstraints, 500],
    ['archive entry names', pathProblem, 65_535],
    ['storage keys', isValidStorageKey, HEADER_LIMIT],
  ])('%s', (_label, check, length) => {
    const { ms, input } = slowest(check, length);
    expect({ ms: ms < BUDGET_MS ? 'fast' : ms, input: JSON.stringify(input.slice(0, 60)) }).toEqual({
      ms: 'fast',
      input: expect.any(String),
    });
  });
});
