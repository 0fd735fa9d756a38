import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { BadRequestError, FieldProblem, ValidationFailedError } from './domain-error';

/**
 * The rules every piece of client input obeys before any validator, service or database sees it
 * (JSON bodies, multipart fields, query strings, path segments). PostgreSQL refuses NUL in text
 * and JSON, lone UTF-16 surrogates break encoders (and validator.js' e-mail check), deep nesting
 * overflows the stack of recursive walkers, and prototype keys would reach object internals.
 */
export const INPUT_LIMITS = {
  /** Nesting of arrays and objects; real requests use three or four levels. */
  maxDepth: 32,
  /** Of a JSON body (express.json's limit). */
  maxJsonBodyBytes: 1024 * 1024,
  /** How much of a client's own input an error message quotes back. */
  maxQuotedChars: 100,
} as const;

/** Keys that name object internals rather than data; refused like any unknown field. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Native where the runtime has it (Node 20+), the equivalent linear pattern elsewhere. */
function isWellFormed(text: string): boolean {
  const native = (text as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  return native ? native.call(text) : !LONE_SURROGATE.test(text);
}

/** At most `max` characters of client input, for error messages (and never a broken surrogate pair). */
export function excerpt(text: string, max: number = INPUT_LIMITS.maxQuotedChars): string {
  if (text.length <= max) return text;
  let end = max;
  if (/[\ud800-\udbff]/.test(text[end - 1])) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Why this string may not be stored, or undefined. */
export function stringProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (!isWellFormed(text)) return 'must be valid Unicode (it contains a lone UTF-16 surrogate)';
  return undefined;
}

function join(parent: string, key: string | number): string {
  const name = excerpt(String(key));
  return parent === '' ? name : `${parent}.${name}`;
}

/**
 * Every problem of one input value (a parsed body, a query object, a path parameter), walked
 * without recursion so that no nesting can overflow the stack. `root` names the value in field paths.
 */
export function inputProblems(value: unknown, root = '', maxDepth: number = INPUT_LIMITS.maxDepth): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  while (stack.length > 0 && problems.length < 20) {
    const item = stack.pop()!;
    const field = item.path === '' ? 'body' : excerpt(item.path, 2 * INPUT_LIMITS.maxQuotedChars);
    if (typeof item.value === 'string') {
      const problem = stringProblem(item.value);
      if (problem) problems.push({ field, problems: [`${field} ${problem}`] });
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= maxDepth) {
      problems.push({ field, problems: [`${field} is nested deeper than ${maxDepth} levels`] });
      continue;
    }
    if (Array.isArray(item.value)) {
      item.value.forEach((child, index) =>
        stack.push({ value: child, path: join(item.path, index), depth: item.depth + 1 }),
      );
      continue;
    }
    for (const key of Object.keys(item.value)) {
      const path = join(item.path, key);
      const keyProblem = stringProblem(key);
      if (PROTOTYPE_KEYS.has(key))
        problems.push({ field: path, problems: [`property ${excerpt(key)} should not exist`] });
      else if (keyProblem) problems.push({ field: path, problems: [`the property name ${keyProblem}`] });
      else stack.push({ value: (item.value as Record<string, unknown>)[key], path, depth: item.depth + 1 });
    }
  }
  return problems;
}

export function assertCleanInput(value: unknown, root = ''): void {
  const problems = inputProblems(value, root);
  if (problems.length > 0) throw new ValidationFailedError(problems);
}

export class MalformedUrlError extends BadRequestError {
  constructor() {
    super('malformed_url', 'The request URL holds an invalid percent-encoding (%XX must encode UTF-8)');
  }
}

/** The decoded segments of a URL path; throws MalformedUrlError on a broken %-escape. */
function decodedSegments(path: string): string[] {
  try {
    return path.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    throw new MalformedUrlError();
  }
}

/**
 * Express middleware, mounted after the JSON body parser: checks the path, the query and a JSON
 * body before routing, so that guards, interceptors (idempotency fingerprints) and validation
 * only ever see input that passed. Multipart fields are parsed later, inside the upload route;
 * InputGuardPipe checks those.
 */
export function inputGuardMiddleware(request: Request, _response: Response, next: NextFunction): void {
  try {
    const segments = decodedSegments(request.path);
    const problems = inputProblems(segments.join('/'), 'path');
    problems.push(...inputProblems(request.query));
    if (request.body !== undefined) problems.push(...inputProblems(request.body));
    if (problems.length > 0) throw new ValidationFailedError(problems);
    next();
  } catch (error) {
    next(error);
  }
}

/** The same rules for every value a route receives through @Body, @Query or @Param (multipart fields included). */
@Injectable()
export class InputGuardPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    assertCleanInput(value, metadata.type === 'param' ? (metadata.data ?? 'path') : '');
    return value;
  }
}
