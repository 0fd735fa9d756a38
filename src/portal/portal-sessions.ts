import { Inject, Injectable } from '@nestjs/common';
import * as cookie from 'cookie';
import { Request, Response } from 'express';
import { Clock } from '../common/clock';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { OpenedSession, openSession, PortalSession, sealSession } from './portal-session';

const COOKIE = 'packyard_portal';

/** Reads and writes the portal's sealed session cookie, scoped to the portal's path. */
@Injectable()
export class PortalSessions {
  /** The portal's public path: PUBLIC_URL's path prefix + /portal. */
  readonly base: string;
  private readonly secure: boolean;
  private readonly idleMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    const publicUrl = new URL(config.publicUrl);
    this.base = `${publicUrl.pathname.replace(/\/+$/, '')}/portal`;
    this.secure = publicUrl.protocol === 'https:';
    this.idleMs = config.portal.sessionIdleMinutes * 60_000;
  }

  read(request: Request): OpenedSession {
    const header = request.headers.cookie;
    const value = header ? cookie.parse(header)[COOKIE] : undefined;
    return openSession(value, this.config.portal.sessionKey, this.clock.now().getTime(), this.idleMs);
  }

  /** Writes the session with a fresh last-seen time: the idle timeout counts from the last request. */
  write(response: Response, session: PortalSession): void {
    session.seenAt = this.clock.now().getTime();
    response.append('Set-Cookie', this.serialize(sealSession(session, this.config.portal.sessionKey), undefined));
  }

  clear(response: Response): void {
    response.append('Set-Cookie', this.serialize('', 0));
  }

  private serialize(value: string, maxAge: number | undefined): string {
    return cookie.serialize(COOKIE, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.secure,
      path: this.base,
      // A browser-session cookie; the idle timeout inside it is what ends the session server-side.
      ...(maxAge === undefined ? {} : { maxAge }),
    });
  }
}
