import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiConsumes, ApiExcludeEndpoint, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { clientAddress } from '../auth-guard/auth.guard';
import { Public } from '../auth/auth.decorators';
import { FailedAuthLimiter } from '../auth-guard/failed-auth-limiter';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError } from '../common/domain-error';
import { AppConfig, APP_CONFIG } from '../config/app-config';
import { CustomerNotFoundError } from '../customers/customers.errors';
import { CreateTokenForm, CsrfForm, SignInForm } from './dto/portal-forms';
import { PORTAL_SCRIPT, PORTAL_STYLES } from './portal-assets';
import { PortalExceptionFilter } from './portal-exception.filter';
import { csrfMatches, newSession, PortalSession } from './portal-session';
import { PortalSessions } from './portal-sessions';
import { PortalService, SignedIn } from './portal.service';
import { accessPage, downloadsPage, packagePage, PageContext, setupPage, signInPage, tokensPage } from './views/pages';
import { setupSnippets } from './views/setup-snippets';

class CsrfError extends DomainError {
  constructor() {
    super(403, 'csrf_failed', 'This form has expired or did not come from this site. Reload the page and try again.');
  }
}

class SelfServiceOffError extends DomainError {
  constructor() {
    super(403, 'token_self_service_off', 'Tokens for your account are managed by your vendor.');
  }
}

interface Visit {
  who: SignedIn;
  session: PortalSession;
  ctx: PageContext;
}

/**
 * The customer portal: server-rendered pages under /portal. It has its own sign-in (a sealed session
 * cookie instead of credentials on every request), so the global guard lets it through (@Public)
 * and every page checks the session here, including that the token behind it still works.
 */
@ApiTags('Customer portal (HTML pages)')
@ApiProduces('text/html')
@Public()
@UseFilters(PortalExceptionFilter)
@Controller('portal')
export class PortalController {
  constructor(
    private readonly portal: PortalService,
    private readonly sessions: PortalSessions,
    private readonly failedAuth: FailedAuthLimiter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Sign-in page, or the signed-in customer’s access' })
  home(@Req() request: Request, @Res() response: Response, @Query('notice') notice?: string): void {
    const opened = this.sessions.read(request);
    if (opened.state === 'valid' && opened.session.customerId) return this.redirect(response, '/access');
    const session = opened.state === 'valid' ? opened.session : newSession(this.clock.now().getTime());
    this.sessions.write(response, session);
    const shown = opened.state === 'idle' ? 'idle' : notice;
    this.page(response, 200, signInPage(this.context(session), this.notice(shown)));
  }

  @Post('sign-in')
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({
    summary: 'Sign in with a customer token (form post); failed attempts count toward the failed-auth limits',
  })
  async signIn(@Req() request: Request, @Res() response: Response, @Body() form: SignInForm): Promise<void> {
    const session = this.checkedSession(request, form);
    const token = await this.portal.signIn(form.token);
    if (!token) {
      await this.failedAuth.failed({ address: clientAddress(request), secret: form.token });
      this.sessions.write(response, session);
      return this.page(
        response,
        401,
        signInPage(
          this.context(session),
          undefined,
          'That token does not work: it may be mistyped, revoked or expired.',
        ),
      );
    }
    // A new session id and CSRF token on sign-in, so nothing planted before it carries over.
    this.sessions.write(response, newSession(this.clock.now().getTime(), token));
    this.redirect(response, '/access');
  }

  @Post('sign-out')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'Sign out (form post)' })
  signOut(@Req() request: Request, @Res() response: Response, @Body() form: CsrfForm): void {
    this.checkedSession(request, form);
    this.sessions.clear(response);
    this.redirect(response, '?notice=signed-out');
  }

  @Get('access')
  @ApiOperation({ summary: 'Status, subscription end, granted packages and the versions each allows' })
  async access(@Req() request: Request, @Res() response: Response): Promise<void> {
    const visit = await this.visit(request, response);
    if (!visit) return;
    this.page(response, 200, accessPage(visit.ctx, await this.portal.overview(visit.who), this.clock.now()));
  }

  @Get('packages/:vendor/:name')
  @ApiOperation({ summary: 'One granted package: description, license, requirements, README, versions' })
  async package(
    @Req() request: Request,
    @Res() response: Response,
    @Param('vendor') vendor: string,
    @Param('name') name: string,
  ): Promise<void> {
    const visit = await this.visit(request, response);
    if (!visit) return;
    const details = await this.portal.packageDetails(visit.who, `${vendor}/${name}`);
    if (!details) throw new NotFoundError('package_not_found', 'You have no access to a package of this name.');
    this.page(response, 200, packagePage(visit.ctx, details));
  }

  @Get('setup')
  @ApiOperation({ summary: 'Copy-ready Composer and CI configuration for this server' })
  async setup(@Req() request: Request, @Res() response: Response): Promise<void> {
    const visit = await this.visit(request, response);
    if (!visit) return;
    this.page(response, 200, setupPage(visit.ctx, this.snippets()));
  }

  @Get('tokens')
  @ApiOperation({ summary: 'The customer’s tokens' })
  async tokens(@Req() request: Request, @Res() response: Response, @Query('notice') notice?: string): Promise<void> {
    const visit = await this.visit(request, response);
    if (!visit) return;
    this.page(response, 200, await this.tokensView(visit, this.notice(notice)));
  }

  @Post('tokens')
  @HttpCode(201)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'Create a labelled token (shown once on the answered page)' })
  async createToken(@Req() request: Request, @Res() response: Response, @Body() form: CreateTokenForm): Promise<void> {
    const visit = await this.visit(request, response, form);
    if (!visit) return;
    if (!this.portal.canManageTokens(visit.who)) throw new SelfServiceOffError();
    const expiresAt = form.expires_on ? new Date(`${form.expires_on}T23:59:59Z`) : undefined;
    const issued = await this.portal.issueToken(visit.who, form.label, expiresAt);
    const created = { token: issued.record, secret: issued.secret, snippets: this.snippets(issued.secret) };
    this.page(response, 201, await this.tokensView(visit, undefined, created));
  }

  @Post('tokens/:id/revoke')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'Revoke one of the customer’s own tokens' })
  async revokeToken(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id') id: string,
    @Body() form: CsrfForm,
  ): Promise<void> {
    const visit = await this.visit(request, response, form);
    if (!visit) return;
    if (!this.portal.canManageTokens(visit.who)) throw new SelfServiceOffError();
    await this.portal.revokeToken(visit.who, id);
    this.redirect(response, '/tokens?notice=revoked');
  }

  @Get('downloads')
  @ApiOperation({ summary: 'The customer’s recent downloads' })
  async downloads(@Req() request: Request, @Res() response: Response): Promise<void> {
    const visit = await this.visit(request, response);
    if (!visit) return;
    this.page(response, 200, downloadsPage(visit.ctx, await this.portal.recentDownloads(visit.who)));
  }

  @Get('assets/portal.js')
  @ApiExcludeEndpoint()
  script(@Res() response: Response): void {
    response.setHeader('Cache-Control', 'public, max-age=300');
    response.type('application/javascript').send(PORTAL_SCRIPT);
  }

  @Get('assets/portal.css')
  @ApiExcludeEndpoint()
  styles(@Res() response: Response): void {
    response.setHeader('Cache-Control', 'public, max-age=300');
    response.type('text/css').send(PORTAL_STYLES);
  }

  @Get('*path')
  @ApiExcludeEndpoint()
  notFound(): never {
    throw new NotFoundError('not_found', 'There is no such page.');
  }

  /**
   * The signed-in customer for this request, or undefined after redirecting to the sign-in page:
   * no session, idle too long, or the token behind it no longer works. Form posts also check CSRF.
   */
  private async visit(request: Request, response: Response, form?: CsrfForm): Promise<Visit | undefined> {
    const opened = this.sessions.read(request);
    if (form && (opened.state !== 'valid' || !csrfMatches(opened.session, form._csrf))) throw new CsrfError();
    if (opened.state !== 'valid' || !opened.session.customerId || !opened.session.tokenId) {
      this.redirect(response, opened.state === 'idle' ? '?notice=idle' : '');
      return undefined;
    }
    const session = opened.session;
    const who = await this.portal.resume(session.customerId!, session.tokenId!).catch((error: unknown) => {
      if (error instanceof CustomerNotFoundError) return null;
      throw error;
    });
    if (!who) {
      this.sessions.clear(response);
      this.redirect(response, '?notice=ended');
      return undefined;
    }
    this.sessions.write(response, session);
    return { who, session, ctx: { ...this.context(session), customerName: who.customer.name } };
  }

  /** For posts that need no signed-in customer (sign-in, sign-out): the session whose CSRF token the form carries. */
  private checkedSession(request: Request, form: CsrfForm): PortalSession {
    const opened = this.sessions.read(request);
    if (opened.state !== 'valid' || !csrfMatches(opened.session, form._csrf)) throw new CsrfError();
    return opened.session;
  }

  private async tokensView(
    visit: Visit,
    notice?: string,
    created?: Parameters<typeof tokensPage>[1]['created'],
  ): Promise<string> {
    const tokens = await this.portal.listTokens(visit.who);
    return tokensPage(
      visit.ctx,
      { tokens, currentTokenId: visit.who.tokenId, canManage: this.portal.canManageTokens(visit.who), notice, created },
      this.clock.now(),
    );
  }

  private snippets(token?: string) {
    const name =
      this.config.portal.title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'packyard';
    return setupSnippets(this.config.publicUrl, name, token);
  }

  private context(session: PortalSession): PageContext {
    const { title, logoUrl, supportUrl } = this.config.portal;
    return { branding: { title, logoUrl, supportUrl }, base: this.sessions.base, csrf: session.csrf };
  }

  private notice(code: string | undefined): string | undefined {
    switch (code) {
      case 'idle':
        return `You were signed out after ${this.config.portal.sessionIdleMinutes} minutes without activity.`;
      case 'ended':
        return 'Your session ended: the token you signed in with no longer works (revoked or expired).';
      case 'signed-out':
        return 'You are signed out.';
      case 'revoked':
        return 'The token was revoked. Composer and CI using it are refused from now on.';
      default:
        return undefined;
    }
  }

  private page(response: Response, status: number, body: string): void {
    // Pages show tokens and access details: never kept by browsers or proxies.
    response.status(status).setHeader('Cache-Control', 'no-store');
    response.type('html').send(body);
  }

  private redirect(response: Response, path: string): void {
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(303, `${this.sessions.base}${path}`);
  }
}
