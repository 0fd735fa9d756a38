import { AsyncLocalStorage } from 'node:async_hooks';
import { NextFunction, Request, Response } from 'express';

/**
 * Who is acting in the current request or job: `admin`, `stripe`, `paddle`, `system`, or
 * `internal:<service>` for other apps calling the admin API (X-Packyard-Actor header). History
 * rows take it from here, so services need not thread it through every call.
 */
export type Actor = string;

interface ActorStore {
  actor: Actor;
  /** The billing provider's event behind the changes made in this scope, for history. */
  providerEventId?: string;
}

const storage = new AsyncLocalStorage<ActorStore>();

export const INTERNAL_ACTOR_HEADER = 'x-packyard-actor';
export const INTERNAL_ACTOR_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function currentActor(): Actor {
  return storage.getStore()?.actor ?? 'system';
}

/** Sets the actor for the rest of the current request (the guard and webhook receivers call it). */
export function setActor(actor: Actor): void {
  const store = storage.getStore();
  if (store) store.actor = actor;
}

export function runAsActor<T>(actor: Actor, work: () => T): T {
  return storage.run({ actor }, work);
}

export function currentProviderEventId(): string | null {
  return storage.getStore()?.providerEventId ?? null;
}

/** Runs work as the current actor, with history rows naming the provider event that caused them. */
export function runForProviderEvent<T>(providerEventId: string, work: () => T): T {
  return storage.run({ actor: currentActor(), providerEventId }, work);
}

/** Express middleware giving every request its own actor slot, `system` until someone authenticates. */
export function actorContextMiddleware(_request: Request, _response: Response, next: NextFunction): void {
  storage.run({ actor: 'system' }, next);
}
