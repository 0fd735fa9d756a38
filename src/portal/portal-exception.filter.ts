import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '../common/domain-error';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { PortalSessions } from './portal-sessions';
import { errorPage } from './views/pages';

const HEADINGS: Record<number, string> = {
  400: 'Please check the form',
  403: 'Not allowed',
  404: 'Not found',
  429: 'Too many attempts',
};

/** The portal answers people, not programs: errors are pages in the portal's layout, with the same status codes. */
@Catch()
export class PortalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Portal');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: PortalSessions,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    let status = 500;
    let message = 'Something went wrong on our side. Please try again later.';
    let headers: Record<string, string> = {};
    if (exception instanceof DomainError) {
      status = exception.status;
      message = exception.message;
      headers = exception.headers ?? {};
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = status === 404 ? 'There is no such page.' : exception.message;
    } else {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    const retryAfter = headers['Retry-After'] ? Number(headers['Retry-After']) : undefined;
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    const { title, logoUrl, supportUrl } = this.config.portal;
    const page = errorPage(
      { branding: { title, logoUrl, supportUrl }, base: this.sessions.base, csrf: '' },
      HEADINGS[status] ?? 'Error',
      message,
      retryAfter,
    );
    response.status(status).setHeader('Cache-Control', 'no-store');
    response.type('html').send(page);
  }
}
